using ConnActors.Policy.Admission;
using ConnActors.Policy.Peers;
using ConnActors.Policy.Tests.Support;
using CsCheck;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>Records stay bounded under any churn, and every record of a peer that is gone eventually goes.</summary>
public class PeerRecordProperties
{
    private const int MaxRecords = 80;
    private const long IdleExpiryMs = 5_000;

    [Fact]
    public void Records_never_exceed_the_bound_and_all_expire_once_peers_are_gone() =>
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 999], Gen.Int[0, 2_000]).Array[1, 600].Sample(ops =>
        {
            var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = IdleExpiryMs, MaxRecords = MaxRecords });
            var forgotten = new HashSet<int>();
            engine.PeerForgotten = p => Assert.True(forgotten.Add(p.Value) || true);
            var connected = new List<int>();
            var friends = new HashSet<int>();
            long now = 0;
            foreach (var (code, peer, arg) in ops)
            {
                var key = new PeerKey(peer);
                switch (code)
                {
                    case 0 when engine.AdmitInbound(key, Addresses.V4(peer), now).Admitted:
                        connected.Add(peer);
                        break;
                    case 1 when connected.Count > 0:
                        int gone = connected[arg % connected.Count];
                        connected.Remove(gone);
                        engine.ConnectionClosed(new PeerKey(gone), ConnectionDirection.Inbound, Addresses.V4(gone), now);
                        break;
                    case 2:
                        engine.SetTag(key, arg % 3, arg % 7 - 3, now);
                        break;
                    case 3:
                        engine.Penalize(key, 1 + arg % 20, now);
                        break;
                    case 4 when friends.Contains(peer) || engine.CanHoldAnotherPrivilegedPeer:
                        bool friend = friends.Add(peer) || !friends.Remove(peer);
                        engine.SetFriend(key, friend, now);
                        break;
                    case 5:
                        engine.Lock(key, now + arg, now);
                        break;
                    case 6:
                        now += arg;
                        engine.Tick(now);
                        break;
                }
                int mustHold = connected.Distinct().Union(friends).Count();
                Assert.True(engine.TrackedPeers <= Math.Max(MaxRecords, mustHold), $"{engine.TrackedPeers} records, bound {MaxRecords}, {mustHold} in use or friends");
                Assert.True(engine.PrivilegedPeers <= MaxRecords - engine.Settings.Limits.HardCap);
            }

            foreach (int peer in connected) engine.ConnectionClosed(new PeerKey(peer), ConnectionDirection.Inbound, Addresses.V4(peer), now);
            foreach (int peer in friends) engine.SetFriend(new PeerKey(peer), false, now);
            engine.Tick(now + engine.Settings.Scoring.PenaltyRetentionMs + IdleExpiryMs + 1);
            Assert.Equal(0, engine.TrackedPeers);
            Assert.Equal(0, engine.Penalties.Count);
            Assert.Equal(0, engine.Quotas.All().Sum(q => q.Used));
        }, iter: 300);
}
