using ConnActors.Policy;

namespace ConnActors.Actors.Ledger;

/// <summary>Named protections: any number of tags per peer (as go-libp2p's Protect(peer, tag)); protected while any holds.</summary>
internal sealed class ProtectionBook
{
    private readonly Dictionary<PeerKey, HashSet<string>> _tags = new();

    public int Count => _tags.Count;

    /// <summary>Adds <paramref name="tag"/>; returns true when the peer is protected afterwards (always).</summary>
    public bool Protect(PeerKey key, string tag)
    {
        if (!_tags.TryGetValue(key, out var tags)) _tags[key] = tags = new HashSet<string>(StringComparer.Ordinal);
        tags.Add(tag);
        return true;
    }

    /// <summary>Removes <paramref name="tag"/>; returns whether another tag still protects the peer.</summary>
    public bool Unprotect(PeerKey key, string tag)
    {
        if (!_tags.TryGetValue(key, out var tags)) return false;
        tags.Remove(tag);
        if (tags.Count > 0) return true;
        _tags.Remove(key);
        return false;
    }

    public bool IsProtected(PeerKey key) => _tags.ContainsKey(key);

    public IReadOnlyCollection<string> TagsOf(PeerKey key) => _tags.TryGetValue(key, out var tags) ? tags : [];
}
