using Akka.Actor;
using Akka.Cluster;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// The members (status, reachability) as one actor has heard of them from the cluster events it subscribed to. Not
/// <c>Cluster.State</c>: another actor updates that from the same events and lags them, so an actor that read it could
/// act on an event (its Negotiator seeing this node Up and asking for a lease) before the state shows it.
/// </summary>
internal sealed class MemberView
{
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Member> All => _members.Values;

    public bool IsMember(Address address) => IsMember(address.ToString());

    public bool IsMember(string address) => _members.ContainsKey(address);

    public Member? Of(Address address) => _members.GetValueOrDefault(address.ToString());

    public bool IsReachable(string address) => !_unreachable.Contains(address);

    public void Seen(Member member) => _members[member.Address.ToString()] = member;

    /// <summary>Forgets a removed member; true if it was known.</summary>
    public bool Removed(Member member)
    {
        var address = member.Address.ToString();
        _unreachable.Remove(address);
        return _members.Remove(address);
    }

    public void Reachable(Member member, bool reachable)
    {
        if (reachable) _unreachable.Remove(member.Address.ToString());
        else _unreachable.Add(member.Address.ToString());
    }
}
