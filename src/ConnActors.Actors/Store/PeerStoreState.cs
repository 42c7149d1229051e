using System.Collections.Immutable;
using ConnActors.Actors.Messaging;

namespace ConnActors.Actors.Store;

/// <summary>An immutable view of everything the peer store holds; the reply to <see cref="GetPeerStoreState"/>.</summary>
public sealed record PeerStoreState(
    ImmutableDictionary<string, StoredFriend> Friends,
    ImmutableHashSet<StoredProtection> Protections,
    ImmutableDictionary<string, StoredByeObligation> ByeObligations,
    ImmutableDictionary<string, StoredPenalty> Penalties) : IConnActorsMessage
{
    /// <summary>A store that holds nothing.</summary>
    public static PeerStoreState Empty { get; } = new(
        ImmutableDictionary<string, StoredFriend>.Empty,
        ImmutableHashSet<StoredProtection>.Empty,
        ImmutableDictionary<string, StoredByeObligation>.Empty,
        ImmutableDictionary<string, StoredPenalty>.Empty);

    /// <summary>Whether <paramref name="peerId"/> carries the protection <paramref name="tag"/>.</summary>
    public bool IsProtected(string peerId, string tag) => Protections.Contains(new StoredProtection(peerId, tag));

    /// <summary>This state with <paramref name="change"/> applied.</summary>
    public PeerStoreState Apply(IPeerStoreEvent change) => change switch
    {
        FriendAdded e => this with { Friends = Friends.SetItem(e.PeerId, new StoredFriend(e.PeerId, e.Multiaddrs)) },
        FriendRemoved e => this with { Friends = Friends.Remove(e.PeerId) },
        PeerProtected e => this with { Protections = Protections.Add(new StoredProtection(e.PeerId, e.Tag)) },
        PeerUnprotected e => this with { Protections = Protections.Remove(new StoredProtection(e.PeerId, e.Tag)) },
        ByeObligationRecorded e => this with
        {
            ByeObligations = ByeObligations.SetItem(e.PeerId, new StoredByeObligation(e.PeerId, e.NotBeforeMs)),
        },
        PenaltyRecorded e => this with
        {
            Penalties = Penalties.SetItem(e.PeerId, new StoredPenalty(e.PeerId, e.Value, e.LastUpdateMs, e.RetainUntilMs)),
        },
        _ => throw new ArgumentException($"unknown peer store event {change.GetType().Name}", nameof(change)),
    };

    /// <summary>This state without the obligations and penalties that have expired at <paramref name="nowMs"/>.</summary>
    public PeerStoreState WithoutExpired(long nowMs)
    {
        var obligations = ByeObligations.Values.Where(o => o.IsExpired(nowMs)).Select(o => o.PeerId).ToList();
        var penalties = Penalties.Values.Where(p => p.IsExpired(nowMs)).Select(p => p.PeerId).ToList();
        if (obligations.Count == 0 && penalties.Count == 0) return this;
        return this with { ByeObligations = ByeObligations.RemoveRange(obligations), Penalties = Penalties.RemoveRange(penalties) };
    }

    /// <summary>The state as saved in the snapshot store, in a stable order.</summary>
    public PeerStoreSnapshot ToSnapshot() => new(
        Friends.Values.OrderBy(f => f.PeerId, StringComparer.Ordinal).ToArray(),
        Protections.OrderBy(p => p.PeerId, StringComparer.Ordinal).ThenBy(p => p.Tag, StringComparer.Ordinal).ToArray(),
        ByeObligations.Values.OrderBy(o => o.PeerId, StringComparer.Ordinal).ToArray(),
        Penalties.Values.OrderBy(p => p.PeerId, StringComparer.Ordinal).ToArray());

    /// <summary>The state a snapshot was taken of.</summary>
    public static PeerStoreState FromSnapshot(PeerStoreSnapshot snapshot) => new(
        snapshot.Friends.ToImmutableDictionary(f => f.PeerId),
        snapshot.Protections.ToImmutableHashSet(),
        snapshot.ByeObligations.ToImmutableDictionary(o => o.PeerId),
        snapshot.Penalties.ToImmutableDictionary(p => p.PeerId));
}
