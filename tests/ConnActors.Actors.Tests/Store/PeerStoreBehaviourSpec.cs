using Akka.Actor;
using ConnActors.Actors.Store;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ConnActors.Actors.Tests.Store;

/// <summary>What the store does with each command, on a real SQLite file.</summary>
public sealed class PeerStoreBehaviourSpec : IDisposable
{
    private const string Alice = "12D3KooWAliceAliceAliceAliceAliceAliceAliceAlice";

    private readonly SettableClock _clock = new();
    private readonly SqliteTarget _target = new();
    private readonly PeerStoreNode _node;

    public PeerStoreBehaviourSpec(ITestOutputHelper output)
    {
        _node = PeerStoreNode.Start(_target, $"peer-store-test-{Guid.NewGuid():N}", _clock, output);
    }

    public void Dispose()
    {
        _node.Dispose();
        _target.Dispose();
    }

    [Fact]
    public void A_shorter_bye_never_shortens_an_obligation()
    {
        var longEnd = _clock.NowMs + 600_000;
        var first = _node.Send(new RecordByeObligation(Alice, longEnd));

        var shorter = _node.Send(new RecordByeObligation(Alice, _clock.NowMs + 60_000));
        Assert.Equal(first.SequenceNr, shorter.SequenceNr);
        Assert.Equal(longEnd, _node.State().ByeObligations[Alice].NotBeforeMs);

        var longer = _node.Send(new RecordByeObligation(Alice, longEnd + 1));
        Assert.Equal(first.SequenceNr + 1, longer.SequenceNr);
        Assert.Equal(longEnd + 1, _node.State().ByeObligations[Alice].NotBeforeMs);
    }

    [Fact]
    public void A_command_that_changes_nothing_is_acknowledged_without_a_new_event()
    {
        var added = _node.Send(new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001"]));
        var protectedOnce = _node.Send(new SaveProtection(Alice, "friend"));

        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001"])).SequenceNr);
        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new SaveProtection(Alice, "friend")).SequenceNr);
        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new DeleteProtection(Alice, "other")).SequenceNr);
        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new DeleteFriend("12D3KooWNobody")).SequenceNr);
        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new RecordByeObligation(Alice, _clock.NowMs)).SequenceNr);
        Assert.Equal(protectedOnce.SequenceNr, _node.Send(new RecordPenalty(Alice, 3, _clock.NowMs, _clock.NowMs)).SequenceNr);
        Assert.Equal(added.SequenceNr + 2, _node.Send(new SaveFriend(Alice, ["/ip4/10.0.0.2/tcp/4001"])).SequenceNr);
        Assert.Equal(["/ip4/10.0.0.2/tcp/4001"], _node.State().Friends[Alice].Multiaddrs);
    }

    [Theory]
    [InlineData("", "PeerId must not be empty")]
    [InlineData("   ", "PeerId must not be empty")]
    public void A_malformed_command_is_answered_with_a_failure(string peerId, string reason)
    {
        foreach (IPeerStoreCommand command in new IPeerStoreCommand[]
                 {
                     new SaveFriend(peerId, []), new DeleteFriend(peerId), new SaveProtection(peerId, "t"),
                     new RecordByeObligation(peerId, long.MaxValue), new RecordPenalty(peerId, 1, 0, long.MaxValue),
                 })
        {
            _node.Store.Tell(command, _node.Kit.TestActor);
            var failure = _node.Kit.ExpectMsg<Status.Failure>(PeerStoreNode.Timeout);
            Assert.Contains(reason, failure.Cause.Message);
        }
        _node.Store.Tell(new RecordPenalty(Alice, double.NaN, 0, long.MaxValue), _node.Kit.TestActor);
        Assert.Contains("finite", _node.Kit.ExpectMsg<Status.Failure>(PeerStoreNode.Timeout).Cause.Message);
        Assert.Equal(0, _node.Send(new DeleteFriend(Alice)).SequenceNr);
    }

    [Fact]
    public void A_command_whose_event_cannot_be_persisted_is_never_acknowledged()
    {
        _node.Send(new SaveProtection(Alice, "friend"));
        using (var connection = new SqliteConnection($"Data Source={_target.DatabaseFile}"))
        {
            connection.Open();
            using var command = new SqliteCommand("ALTER TABLE journal RENAME TO journal_gone", connection);
            command.ExecuteNonQuery();
        }
        _node.Kit.Watch(_node.Store);

        _node.Store.Tell(new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001"]), _node.Kit.TestActor);

        // The journal failure stops the store; the next message must be that, not an acknowledgement.
        _node.Kit.ExpectTerminated(_node.Store, PeerStoreNode.Timeout);
    }
}
