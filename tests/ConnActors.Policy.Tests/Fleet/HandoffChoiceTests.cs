using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

public class HandoffChoiceTests
{
    private static readonly string[] Subsystems = ["pubsub", "app", "dht"];

    private static readonly Gen<string[]> AnySubsystems = Gen.Int[0, 7].Select(bits => Subsystems.Where((_, i) => (bits & (1 << i)) != 0).ToArray());

    private static readonly Gen<HandoffCandidate[]> AnyCandidates =
        Gen.Select(Gen.Int[-5, 40], AnySubsystems).Array[0, 8]
            .Select(members => members.Select((m, i) => new HandoffCandidate($"member-{i}", m.Item1, m.Item2)).ToArray());

    [Fact]
    public void The_chosen_member_has_room_and_wants_the_peer_for_one_of_its_subsystems_and_no_such_member_has_more_room() =>
        Gen.Select(AnyCandidates, AnySubsystems, Gen.Int[1, 3]).Sample((candidates, peer, connections) =>
        {
            bool Qualifies(HandoffCandidate c) => c.Headroom >= connections && (peer.Length == 0 || peer.Any(c.OpenSubsystems.Contains));
            var chosen = HandoffChoice.Pick(candidates, peer, connections, heldByAnotherMember: false);
            if (chosen is null) return !candidates.Any(Qualifies);
            return Qualifies(chosen) && candidates.Where(Qualifies).All(c => c.Headroom <= chosen.Headroom);
        });

    [Fact]
    public void A_peer_another_member_holds_is_never_handed_off() =>
        Gen.Select(AnyCandidates, AnySubsystems, Gen.Int[1, 3]).Sample((candidates, peer, connections) =>
            HandoffChoice.Pick(candidates, peer, connections, heldByAnotherMember: true) is null);

    [Fact]
    public void Room_is_what_is_left_below_low_water_and_the_hard_cap_and_never_negative() =>
        Gen.Select(Gen.Int[1, 5_000], Gen.Int[1, 5_000], Gen.Int[0, 6_000], Gen.Int[0, 500]).Sample((hardCap, lowWater, connections, pending) =>
        {
            int room = HandoffChoice.Room(hardCap, lowWater, connections, pending);
            int below = Math.Min(hardCap, lowWater) - connections - pending;
            return room >= 0 && (below <= 0 ? room == 0 : room == below);
        });

    [Fact]
    public void Offers_counted_down_from_the_room_never_take_a_member_past_its_low_water() =>
        Gen.Select(Gen.Int[10, 2_000], Gen.Int[0, 2_500], Gen.Int[0, 50], Gen.Int[1, 3].Array[0, 200]).Sample((lowWater, connections, pending, offers) =>
        {
            // The trimmer counts each offer down from the room it saw, as the ledger and the simulator do.
            var candidate = new HandoffCandidate("m", HandoffChoice.Room(lowWater + 100, lowWater, connections, pending), []);
            int taken = 0;
            foreach (int size in offers)
            {
                if (HandoffChoice.Pick([candidate], [], size, heldByAnotherMember: false) is not { } chosen) continue;
                taken += size;
                candidate = chosen with { Headroom = chosen.Headroom - size };
            }
            return connections + pending + taken <= Math.Max(lowWater, connections + pending);
        });

    [Fact]
    public void A_member_at_its_low_water_has_no_room_for_a_handoff()
    {
        Assert.Equal(0, HandoffChoice.Room(hardCap: 100, lowWater: 70, connections: 70, pending: 0));
        Assert.Equal(0, HandoffChoice.Room(hardCap: 100, lowWater: 70, connections: 65, pending: 5));
        Assert.Equal(5, HandoffChoice.Room(hardCap: 100, lowWater: 70, connections: 60, pending: 5));
        Assert.Equal(10, HandoffChoice.Room(hardCap: 10, lowWater: 70, connections: 0, pending: 0));
    }

    [Fact]
    public void A_pubsub_peer_goes_to_the_member_with_pubsub_room_even_when_another_has_more_room()
    {
        var roomy = new HandoffCandidate("a", 50, ["dht"]);
        var pubsub = new HandoffCandidate("b", 5, ["pubsub", "dht"]);
        Assert.Same(pubsub, HandoffChoice.Pick([roomy, pubsub], ["pubsub"], 1, heldByAnotherMember: false));
        Assert.Same(roomy, HandoffChoice.Pick([roomy, pubsub], [], 1, heldByAnotherMember: false));
        Assert.Null(HandoffChoice.Pick([roomy, pubsub], ["app"], 1, heldByAnotherMember: false));
        Assert.Null(HandoffChoice.Pick([roomy, pubsub], [], 1, heldByAnotherMember: true));
    }
}
