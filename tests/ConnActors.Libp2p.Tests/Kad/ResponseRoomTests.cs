using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Multiaddress;
using Google.Protobuf;

namespace ConnActors.Libp2p.Tests.Kad;

public class ResponseRoomTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(8 * 1024)]
    [InlineData(64 * 1024)]
    public void A_response_never_passes_the_size_its_asker_reads_and_takes_every_entry_that_fits(int maxMessageSize)
    {
        var random = new Random(maxMessageSize);
        var response = new Message { Type = Message.Types.MessageType.GetProviders, Key = ByteString.CopyFrom(new byte[34]) };
        var room = new ResponseRoom(maxMessageSize, response);
        Assert.True(room.TrySet(response, new Libp2p.Kad.Protocol.Record { Key = response.Key, Value = ByteString.CopyFrom(new byte[100]) }));
        // Entries of 1 to 15 addresses of up to 253-byte names: a few hundred bytes to about 4 KiB each.
        var peers = Enumerable.Range(0, 150).Select(i => new KadPeer(KadPeers.Id(random),
            [.. Enumerable.Range(0, 1 + random.Next(15)).Select(a => Multiaddr.Parse($"/dns4/{new string((char)('a' + a), 1 + random.Next(253))}/tcp/4001"))]).ToProto()).ToList();
        int added = 0;
        foreach (var peer in peers)
        {
            var field = added % 2 == 0 ? response.ProviderPeers : response.CloserPeers;
            int before = response.CalculateSize();
            if (room.TryAdd(field, peer)) added++;
            else Assert.True(before + 1 + CodedOutputStream.ComputeMessageSize(peer) > maxMessageSize, "an entry that fit was left out");
            Assert.Equal(maxMessageSize - response.CalculateSize(), room.Left);
        }
        Assert.True(response.CalculateSize() <= maxMessageSize);
        Assert.Equal(peers.Count, added + room.LeftOut);
        Assert.True(room.LeftOut > 0, "the test should leave some entries out");
    }
}
