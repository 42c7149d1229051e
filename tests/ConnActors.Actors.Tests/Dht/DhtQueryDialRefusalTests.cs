using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Policy.Quotas;
using Google.Protobuf;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// A query granted a dht slot whose dial admission then refuses because the node filled meanwhile fails as refused for room,
/// as the slot would have been, so that a running lookup may make room for it (dht.share-lookup-slots); other local refusals
/// stay local. The supervisor and the manager are probes here: the manager's own answer is tested on a real node
/// (<c>QueryDialRoomTests</c>).
/// </summary>
public class DhtQueryDialRefusalTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("refused: FriendReserve", true, "NoRoom")]
    [InlineData("refused: HardCap", true, "NoRoom")]
    [InlineData("refused: Denied", false, "Local")]
    [InlineData("refused: RouterEntriesFull", false, "Local")]
    public async Task A_granted_slot_whose_dial_is_refused_for_room_fails_as_refused_for_room(string failure, bool forRoom, string expected)
    {
        await using var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var supervisor = CreateTestProbe();
        var manager = CreateTestProbe();
        var peer = new KadPeer(PrivateKey.Generate().PeerId, [Multiaddr.Parse("/ip4/127.0.0.1/tcp/9")]);
        var request = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(DhtNodes.RandomKey()) };
        var job = new QueryJob(1, peer, request, ExpectResponse: true, BurstId: null, Claimed: true, Delivery: false,
            supervisor.Ref, manager.Ref, host, new KadLimits(), Wait);

        var running = DhtQuery.RunAsync(job);
        supervisor.ExpectMsg<RequestSlot>(Wait);
        supervisor.Reply(new SlotReply(peer.Id, SlotOutcome.Granted));
        manager.ExpectMsg<DialForQuery>(Wait);
        manager.Reply(new DialOutcome(peer.Id, null, failure, RefusedForRoom: forRoom));
        var done = await running.WaitAsync(Wait);

        Assert.Equal(failure, done.Failure);
        Assert.Equal(Enum.Parse<QueryFailure>(expected), done.Kind);
    }
}
