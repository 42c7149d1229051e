using System.Collections.Concurrent;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Host;

/// <summary>One id per connection attempt, the same in every gate question, event and command about it.</summary>
public class ConnectionIdentityTests
{
    [Fact]
    public async Task An_inbound_attempt_keeps_its_id_from_accept_through_the_gates_to_open_and_close()
    {
        var gate = new RecordingGate();
        var observer = new RecordingObserver();
        await using var listener = await Hosts.StartAsync(observer, o => o with { Gate = gate });
        await using var dialer = await Hosts.StartAsync();

        var outbound = await dialer.DialAsync(Hosts.AddressOf(listener)).WaitAsync(Hosts.Timeout);
        var opened = await observer.WaitForAsync($"opened Inbound {dialer.PeerId}", Hosts.Timeout);
        var inbound = Assert.Single(listener.ConnectionsTo(dialer.PeerId));

        Assert.Equal([$"before {inbound.Id} Inbound", $"after {inbound.Id} Inbound {dialer.PeerId}"], gate.Questions);
        Assert.EndsWith($"id={inbound.Id}", opened);
        Assert.Same(inbound, listener.Connection(inbound.Id));

        await dialer.CloseConnectionAsync(outbound, "done").WaitAsync(Hosts.Timeout);
        Assert.Contains($"id={inbound.Id}:", await observer.WaitForAsync($"closed {dialer.PeerId}", Hosts.Timeout));
    }

    [Fact]
    public async Task A_dial_under_a_given_id_is_asked_about_and_established_under_it()
    {
        var gate = new RecordingGate();
        await using var dialer = await Hosts.StartAsync(configure: o => o with { Gate = gate });
        await using var listener = await Hosts.StartAsync();
        var id = dialer.NewConnectionId();

        var connection = await dialer.DialAsync(Hosts.AddressOf(listener), id).WaitAsync(Hosts.Timeout);

        Assert.Equal(id, connection.Id);
        Assert.Equal([$"before {id} Outbound", $"after {id} Outbound {listener.PeerId}"], gate.Questions);
    }

    [Fact]
    public async Task A_peer_dial_over_several_addresses_is_one_attempt_reported_failed_once()
    {
        var gate = new RecordingGate();
        var observer = new RecordingObserver();
        await using var dialer = await Hosts.StartAsync(observer, o => o with { Gate = gate });
        await using var other = await Hosts.StartAsync();
        var wrongPeer = PrivateKey.Generate().PeerId;
        var id = dialer.NewConnectionId();

        await Assert.ThrowsAsync<HandshakeFailedException>(() =>
            dialer.DialPeerAsync(wrongPeer, [other.ListenAddresses[0], other.ListenAddresses[0]], id).WaitAsync(Hosts.Timeout));

        Assert.Equal([$"before {id} Outbound", $"before {id} Outbound"], gate.Questions);
        var failures = observer.Events.Where(e => e.StartsWith("failed Outbound", StringComparison.Ordinal)).ToList();
        Assert.Equal($"id={id}", Assert.Single(failures).Split(' ')[3].TrimEnd(':'));
    }

    [Fact]
    public async Task A_peer_dial_answered_by_an_open_connection_returns_it_under_its_own_id()
    {
        await using var dialer = await Hosts.StartAsync();
        await using var listener = await Hosts.StartAsync();
        var first = await dialer.DialAsync(Hosts.AddressOf(listener)).WaitAsync(Hosts.Timeout);

        var again = await dialer.DialPeerAsync(listener.PeerId, [listener.ListenAddresses[0]], dialer.NewConnectionId()).WaitAsync(Hosts.Timeout);

        Assert.Same(first, again);
    }

    [Fact]
    public async Task Aborting_an_attempt_in_its_handshake_closes_its_socket_and_reports_the_reason()
    {
        var gate = new RecordingGate();
        var observer = new RecordingObserver();
        await using var listener = await Hosts.StartAsync(observer, o => o with { Gate = gate, IdleBeforeHandshakeTimeout = TimeSpan.FromSeconds(60) });
        await using var silent = await RawPeer.ConnectAsync(listener);
        await Poll.UntilAsync(() => gate.Questions.Count == 1 && listener.PendingInboundHandshakes == 1);
        var id = gate.Ids.Single();

        Assert.True(listener.Abort(id, "evicted for a newcomer"));

        await silent.WaitClosedByRemoteAsync(Hosts.Timeout);
        Assert.EndsWith($"id={id}: aborted: evicted for a newcomer", await observer.WaitForAsync("failed Inbound", Hosts.Timeout));
        await Poll.UntilAsync(() => listener.PendingInboundHandshakes == 0);
        Assert.False(listener.Abort(id, "again"));
    }

    [Fact]
    public async Task Aborting_an_established_connection_closes_it()
    {
        var observer = new RecordingObserver();
        await using var listener = await Hosts.StartAsync(observer);
        await using var dialer = await Hosts.StartAsync();
        await dialer.DialAsync(Hosts.AddressOf(listener)).WaitAsync(Hosts.Timeout);
        await observer.WaitForAsync($"opened Inbound {dialer.PeerId}", Hosts.Timeout);
        var inbound = Assert.Single(listener.ConnectionsTo(dialer.PeerId));

        Assert.True(listener.Abort(inbound.Id, "trimmed"));

        Assert.Equal("trimmed", await inbound.Closed.WaitAsync(Hosts.Timeout));
    }

    private sealed class RecordingGate : IConnectionGate
    {
        private readonly ConcurrentQueue<string> _questions = new();
        private readonly ConcurrentQueue<ConnectionId> _ids = new();

        public IReadOnlyList<string> Questions => _questions.ToList();

        public IReadOnlyList<ConnectionId> Ids => _ids.ToList();

        public ValueTask<GateDecision> BeforeHandshakeAsync(ConnectionId id, Multiaddr remote, ConnectionDirection direction)
        {
            _ids.Enqueue(id);
            _questions.Enqueue($"before {id} {direction}");
            return ValueTask.FromResult(GateDecision.Allow);
        }

        public ValueTask<GateDecision> AfterSecurityAsync(ConnectionId id, PeerId peer, Multiaddr remote, ConnectionDirection direction)
        {
            _questions.Enqueue($"after {id} {direction} {peer}");
            return ValueTask.FromResult(GateDecision.Allow);
        }
    }
}
