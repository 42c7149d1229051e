using Akka.Actor;
using Akka.Cluster;
using ConnActors.Actors.Cluster;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>What a member counts of its site's router entries as members come and go.</summary>
public class FleetMembersTests
{
    private const long Linger = 120_000;

    private static Member MemberAt(int port, MemberStatus status) => TestMembers.AtPort(port, status);

    private static FleetLoad LoadOf(Member member, string site, int routerEntries) =>
        new(member.Address.ToString(), site, 300, 10, [], "peer", [], 100, 100, 0, routerEntries, 0, 0, 0, 0, 90, [], 0, [], routerEntries);

    [Fact]
    public void A_member_that_left_still_counts_its_last_reported_entries_until_the_linger_ends()
    {
        var self = MemberAt(1, MemberStatus.Up);
        var other = MemberAt(2, MemberStatus.Up);
        var elsewhere = MemberAt(3, MemberStatus.Up);
        var members = new FleetMembers(self.Address.ToString(), Linger);
        foreach (var m in new[] { self, other, elsewhere }) members.Seen(m);
        members.Loads(new Dictionary<string, FleetLoad>
        {
            [self.Address.ToString()] = LoadOf(self, "lab", 10),
            [other.Address.ToString()] = LoadOf(other, "lab", 40),
            [elsewhere.Address.ToString()] = LoadOf(elsewhere, "office", 25),
        });
        Assert.Equal(40, members.View("lab", 300, nowMs: 1_000).SiteEntriesElsewhere);

        // The oldest member drops the report from the replicated map before this member hears of the removal.
        members.Loads(new Dictionary<string, FleetLoad> { [self.Address.ToString()] = LoadOf(self, "lab", 10) });
        members.Removed(other.Copy(MemberStatus.Removed), nowMs: 2_000);
        members.Removed(other.Copy(MemberStatus.Removed), nowMs: 3_000); // the status change and the removal event both arrive

        Assert.Equal(40, members.View("lab", 300, nowMs: 2_000 + Linger - 1).SiteEntriesElsewhere);
        Assert.Equal(0, members.View("lab", 300, nowMs: 2_000 + Linger).SiteEntriesElsewhere);
        Assert.Equal(0, members.View("office", 300, nowMs: 2_000).SiteEntriesElsewhere);
        Assert.Equal(0, members.View("lab", 0, nowMs: 2_000).SiteEntriesElsewhere);
    }

    [Fact]
    public void A_load_is_its_members_word_on_itself_only_and_never_a_negative_count_or_an_unbounded_list()
    {
        var self = MemberAt(1, MemberStatus.Up);
        var liar = MemberAt(2, MemberStatus.Up);
        var honest = MemberAt(3, MemberStatus.Up);
        var members = new FleetMembers(self.Address.ToString(), Linger);
        foreach (var m in new[] { self, liar, honest }) members.Seen(m);
        var held = Enumerable.Range(0, FleetLoad.MaxHeldPeers + 500).Select(i => $"peer-{i}").ToList();
        members.Loads(new Dictionary<string, FleetLoad>
        {
            [self.Address.ToString()] = LoadOf(self, "lab", 10),
            // Filed under the honest member's address: not taken as the honest member's load.
            [honest.Address.ToString()] = LoadOf(liar, "lab", 5_000),
            [liar.Address.ToString()] = LoadOf(liar, "lab", -500) with { HeldPeers = held, Connections = -3 },
        });

        Assert.Null(members.LoadOf(honest.Address.ToString()));
        var taken = members.LoadOf(liar.Address.ToString())!;
        Assert.Equal(0, taken.RouterEntries);
        Assert.Equal(0, taken.Connections);
        Assert.Equal(FleetLoad.MaxHeldPeers, taken.HeldPeers.Count);
        // A negative count no longer takes router entries off the site's count.
        Assert.Equal(0, members.View("lab", 300, nowMs: 1_000).SiteEntriesElsewhere);
    }
}
