using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using ConnActors.Actors.Cluster;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>
/// Mutual TLS with certificate pinning on the cluster port (connactors.cluster.tls), over real remoting on
/// loopback with self-signed certificates: only a process presenting a pinned certificate joins or reaches a member.
/// </summary>
public sealed class ClusterTlsSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    // How long a refused node keeps trying before the spec checks that nothing got through: several join
    // retries (the harness's gossip runs every 200 ms) and remoting's reconnect attempts.
    private static readonly TimeSpan AttackWindow = TimeSpan.FromSeconds(8);
    private const int Budget = 120;
    private const string Site = "connactors.cluster { site = home, site-budget = 120, floor = 16, load-interval = 300ms }";

    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Three_members_sharing_one_fleet_certificate_form_a_cluster_over_tls_and_split_the_site_budget()
    {
        var fleetCertificate = _certificates.Create("fleet");
        var started = Stopwatch.StartNew();
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = Site + "\n" + fleetCertificate.Hocon(),
            Log = output.WriteLine,
        });

        Assert.All(fleet.Harness.Nodes, node => Assert.Equal("akka.trttl.ssl.tcp", node.Address.Protocol));
        await fleet.Harness.BarrierAsync("three members share the whole budget", async _ =>
        {
            var caps = await fleet.CapsAsync();
            return caps.Count == 3 && caps.Values.All(c => c > 0) && caps.Values.Sum() == Budget;
        }, Bound);
        output.WriteLine(Measured.Line("TLS: start to the budget split between three", started.Elapsed));
        fleet.AssertCapsNeverAbove(Budget);
    }

    [Fact]
    public async Task A_node_with_another_certificate_never_joins_and_its_messages_never_reach_a_negotiator()
    {
        var fleetCertificate = _certificates.Create("fleet");
        var stranger = _certificates.Create("stranger");
        await using var fleet = await StartFleetAsync(fleetCertificate.Hocon());
        var member = fleet.Harness["cluster-1"];
        var log = LogCapture.On(member.System);

        // The stranger trusts the fleet's certificate (its thumbprint is no secret): only the members' pinning stops it.
        var attacker = await fleet.Harness.StartNodeAsync(NodeSpec.Cluster(9, stranger.Hocon(fleetCertificate)));
        Assert.Equal("akka.trttl.ssl.tcp", attacker.Address.Protocol);
        await AttackAsync(fleet, attacker, member.Address);

        await fleet.Harness.BarrierAsync("the member logged the refused TLS handshake", _ => log.Any($"thumbprint '{stranger.Thumbprint}' not in allowed list"), Bound);
        output.WriteLine(string.Join(Environment.NewLine, log.Lines.Where(l => l.Contains("pinning", StringComparison.Ordinal)).Take(2)));
        await AssertKeptOutAsync(fleet, attacker);
        await AssertAControlNodeWouldHaveBeenSeenAsync(fleet, fleetCertificate);
    }

    [Fact]
    public async Task A_node_without_tls_cannot_join_a_tls_fleet_nor_reach_a_negotiator()
    {
        var fleetCertificate = _certificates.Create("fleet");
        await using var fleet = await StartFleetAsync(fleetCertificate.Hocon());
        var member = fleet.Harness["cluster-1"];
        var log = LogCapture.On(member.System);

        var attacker = await fleet.Harness.StartNodeAsync(NodeSpec.Cluster(9, "connactors.cluster.tls.enabled = off"));
        Assert.Equal("akka.trttl.tcp", attacker.Address.Protocol);
        // Plain TCP to the member's (TLS) cluster port: the address a plain node would use for it.
        var plainAddress = new Address(attacker.Address.Protocol, ClusterHarness.SystemName, member.Address.Host, member.Address.Port);
        await AttackAsync(fleet, attacker, plainAddress);

        await fleet.Harness.BarrierAsync("the member logged the refused TLS handshake", _ => log.Any("due to TLS handshake failure"), Bound);
        output.WriteLine($"cluster-1 logged {log.Lines.Count} warnings/errors meanwhile:{Environment.NewLine}{string.Join(Environment.NewLine, log.Lines.Take(5))}");
        await AssertKeptOutAsync(fleet, attacker);
        await AssertAControlNodeWouldHaveBeenSeenAsync(fleet, fleetCertificate);
    }

    [Fact]
    public async Task A_tls_client_that_presents_no_certificate_is_refused_by_the_member()
    {
        var fleetCertificate = _certificates.Create("fleet");
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Cluster(1)],
            Hocon = fleetCertificate.Hocon(),
            Log = output.WriteLine,
        });
        var member = harness["cluster-1"];
        var log = LogCapture.On(member.System);

        // A raw TLS client that accepts any server certificate and has none of its own to give.
        using var tcp = new System.Net.Sockets.TcpClient();
        using var bound = new CancellationTokenSource(Bound);
        await tcp.ConnectAsync(member.Address.Host!, member.Address.Port!.Value, bound.Token);
        using var tls = new System.Net.Security.SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        int read;
        try
        {
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "member" }, bound.Token);
            // With TLS 1.3 the client finishes first; the server's refusal then ends the connection.
            read = await tls.ReadAsync(new byte[16], bound.Token);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            read = 0;
            output.WriteLine($"client side: {e.GetType().Name}: {e.Message}");
        }

        Assert.Equal(0, read);
        await harness.BarrierAsync("the member logged the client without a certificate", _ => log.Any("client did not provide a certificate"), Bound);
        output.WriteLine(string.Join(Environment.NewLine, log.Lines.Take(3)));
    }

    [Fact]
    public async Task Rotation_a_member_trusting_a_second_certificate_accepts_a_node_presenting_it()
    {
        var current = _certificates.Create("fleet-2026");
        var next = _certificates.Create("fleet-2027");
        await using var fleet = await StartFleetAsync(current.Hocon(next));

        var started = Stopwatch.StartNew();
        await fleet.AddAsync(NodeSpec.Cluster(2, next.Hocon(current)));
        await fleet.Harness.WaitConvergedAsync(Bound);
        output.WriteLine(Measured.Line("rotation: a node with the next certificate joins", started.Elapsed));

        Assert.All(fleet.Harness.LiveNodes, node => Assert.Equal(3, node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up)));
        await fleet.Harness.BarrierAsync("the newcomer has its share", async _ => (await fleet.StatusAsync("cluster-2")).Counts.HardCap >= 16, Bound);
    }

    [Fact]
    public async Task Join_time_with_and_without_tls_measured_alternately()
    {
        var fleetCertificate = _certificates.Create("fleet");
        var times = new Dictionary<string, List<double>> { ["plain"] = [], ["tls"] = [] };
        for (int round = 0; round < 6; round++)
        {
            // Alternated, and which goes first alternates too, so that neither gains from the other's warm-up.
            var modes = new[] { ("plain", ""), ("tls", fleetCertificate.Hocon()) };
            foreach (var (mode, hocon) in round % 2 == 0 ? modes : modes.Reverse())
            {
                await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
                {
                    Nodes = Topology.GatewayAndTwoClusterNodes,
                    Hocon = hocon,
                    JoinOnStart = false,
                });
                var clock = Stopwatch.StartNew();
                await harness.JoinAllAsync();
                times[mode].Add(clock.Elapsed.TotalMilliseconds);
                output.WriteLine(Measured.Line($"join of three to all Up, {mode}, round {round + 1}", clock.Elapsed));
            }
        }
        output.WriteLine($"MEASURED join of three, median: plain {Median(times["plain"]):0} ms, tls {Median(times["tls"]):0} ms");
    }

    private async Task<FleetNodes> StartFleetAsync(string tlsHocon)
    {
        var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            Hocon = "connactors.cluster { site = home, site-budget = 100, load-interval = 300ms }\n" + tlsHocon,
            Log = output.WriteLine,
        });
        await fleet.Harness.BarrierAsync("the budget is shared", async _ => (await fleet.CapsAsync()) is var caps && caps.Values.All(c => c > 0) && caps.Values.Sum() == 100, Bound);
        return fleet;
    }

    // The attacker tries to join through the member at <paramref name="target"/> and to talk to its Negotiator
    // with what a member would send, for the attack window.
    private async Task AttackAsync(FleetNodes fleet, ClusterNode attacker, Address target)
    {
        var negotiator = attacker.System.ActorSelection(new RootActorPath(target) / "user" / Negotiator.Name);
        using var window = new CancellationTokenSource(AttackWindow);
        var join = attacker.Cluster.JoinAsync(target, window.Token);
        while (!window.IsCancellationRequested)
        {
            negotiator.Tell(new ShareProposal(1_000, "home", 1, Shrink: true, 0));
            negotiator.Tell(new ShareProposal(1_001, "home", 10_000, Shrink: false, 0));
            try
            {
                var identity = await negotiator.Ask<ActorIdentity>(new Identify("attacker"), TimeSpan.FromSeconds(1));
                // An identity without a subject is the attacker's own dead letters answering for an unreachable
                // address (a gated association): nobody on the member's side saw the message.
                if (identity.Subject is not null) Assert.Fail($"the member's Negotiator answered the attacker: {identity.Subject}");
            }
            catch (AskTimeoutException)
            {
                // nothing came back: the expected outcome
            }
        }
        var outcome = await Task.WhenAny(join, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(outcome != join || join.IsFaulted || join.IsCanceled, "the attacker's join completed: it became a member");
        output.WriteLine($"{attacker.Name} after {Bounded.Show(AttackWindow)} of attempts: join {(join.IsCompleted ? join.Status.ToString() : "still pending")}, its own status {attacker.Cluster.SelfMember.Status}");
        _ = fleet;
    }

    private static async Task AssertKeptOutAsync(FleetNodes fleet, ClusterNode attacker)
    {
        Assert.NotEqual(MemberStatus.Up, attacker.Cluster.SelfMember.Status);
        foreach (var name in new[] { "gateway-1", "cluster-1" })
        {
            var node = fleet.Harness[name];
            Assert.DoesNotContain(node.Cluster.State.Members, m => m.Address == attacker.Address);
            Assert.Equal(0, (await fleet.ClusterAsync(name)).Counters["refusedFromNonMembers"]);
        }
        Assert.DoesNotContain(1, fleet.CapsTakenBy("cluster-1"));
        Assert.DoesNotContain(10_000, fleet.CapsTakenBy("cluster-1"));
        fleet.AssertCapsNeverAbove(100);
    }

    // The same messages from a node with the fleet's certificate that is not a member do arrive (and are refused
    // by the Negotiator as a non-member's): "never arrived" above is not an artefact of how the spec looks.
    private async Task AssertAControlNodeWouldHaveBeenSeenAsync(FleetNodes fleet, TestCertificate fleetCertificate)
    {
        var control = await fleet.Harness.StartNodeAsync(NodeSpec.Cluster(8, fleetCertificate.Hocon()));
        var member = fleet.Harness["cluster-1"];
        var negotiator = control.SelectOn(member, Negotiator.Name);
        // Under load the control node's first association can fail and be gated for a few seconds; meanwhile its own dead
        // letters answer an Identify without a subject. Ask again until the Negotiator answers, within the bound.
        var asking = Stopwatch.StartNew();
        IActorRef? reached = null;
        while (reached is null && asking.Elapsed < Bound)
        {
            try { reached = (await negotiator.Ask<ActorIdentity>(new Identify("control"), TimeSpan.FromSeconds(10))).Subject; }
            catch (AskTimeoutException) { }
            if (reached is null) await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.True(reached is not null, $"the control node (the fleet's certificate, not a member) never reached the member's Negotiator within {Bound}");
        negotiator.Tell(new ShareProposal(1_002, "home", 1, Shrink: true, 0));
        await fleet.Harness.BarrierAsync("the control node's proposal arrived and was refused", async _ =>
            (await fleet.ClusterAsync("cluster-1")).Counters["refusedFromNonMembers"] >= 1, Bound);
        output.WriteLine("control: a non-member with the fleet certificate reaches the Negotiator, which refuses it");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
