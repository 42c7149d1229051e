using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

/// <summary>The handoff target: the member with the most room, only if that room fits the peer.</summary>
public class FleetHandoffProperties
{
    [Fact]
    public void The_target_has_the_most_room_comes_first_among_equals_and_fits_the_peer_or_there_is_none()
    {
        Gen.Select(Gen.Int[-5, 40].List[0, 12], Gen.Int[0, 10]).Sample((headrooms, connections) =>
        {
            int target = FleetHandoff.PickTarget(headrooms, connections);
            bool anyFits = headrooms.Any(h => h >= Math.Max(1, connections));
            if (!anyFits) return target == -1;
            if (target < 0) return false;
            int most = headrooms.Max();
            return headrooms[target] == most && headrooms.IndexOf(most) == target && FleetDedup.HasRoomFor(headrooms[target], connections);
        });
    }

    [Theory]
    [InlineData(new[] { 3, 9, 9, 2 }, 1, 1)]
    [InlineData(new[] { 3, 9, 9, 2 }, 9, 1)]
    [InlineData(new[] { 3, 9, 9, 2 }, 10, -1)]
    [InlineData(new[] { 0, 0 }, 0, -1)] // no room at all: a peer always needs one slot
    [InlineData(new int[0], 1, -1)]
    public void Examples(int[] headrooms, int connections, int expected) =>
        Assert.Equal(expected, FleetHandoff.PickTarget(headrooms, connections));
}
