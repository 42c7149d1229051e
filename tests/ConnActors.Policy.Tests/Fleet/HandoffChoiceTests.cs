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
            var chosen = HandoffChoice.Pick(candidates, peer, connections);
            if (chosen is null) return !candidates.Any(Qualifies);
            return Qualifies(chosen) && candidates.Where(Qualifies).All(c => c.Headroom <= chosen.Headroom);
        });

    [Fact]
    public void A_pubsub_peer_goes_to_the_member_with_pubsub_room_even_when_another_has_more_room()
    {
        var roomy = new HandoffCandidate("a", 50, ["dht"]);
        var pubsub = new HandoffCandidate("b", 5, ["pubsub", "dht"]);
        Assert.Same(pubsub, HandoffChoice.Pick([roomy, pubsub], ["pubsub"], 1));
        Assert.Same(roomy, HandoffChoice.Pick([roomy, pubsub], [], 1));
        Assert.Null(HandoffChoice.Pick([roomy, pubsub], ["app"], 1));
    }
}
