using ConnActors.Policy;
using ConnActors.Policy.Engine;
namespace ConnActors.Baselines;

public sealed partial class BasicConnectionManager
{
    // Protection tags 0..31 in the low bits; friendship (Kubo peering protects its peers) above them.
    private const ulong FriendBit = 1UL << 32;

    private readonly Dictionary<int, ulong> _protections = new();
    private readonly List<DecayingTagDefinition> _decayingTags = new();

    /// <summary>Marks a peer as a friend: protected from every trim, as Kubo's peering protects its peers.</summary>
    public void SetFriend(PeerKey peer, bool isFriend, long nowMs) => SetProtectionBits(peer, FriendBit, isFriend);

    /// <summary>Protects the peer under <paramref name="tag"/> (0..31): never trimmed while any tag holds.</summary>
    public void Protect(PeerKey peer, int tag) => SetProtectionBits(peer, ProtectionBit(tag), true);

    /// <summary>Removes one protection tag; returns true if the peer is still protected by another (or is a friend).</summary>
    /// <remarks><paramref name="nowMs"/> is unused; it keeps the shape of the other policy calls.</remarks>
    public bool Unprotect(PeerKey peer, int tag, long nowMs)
    {
        SetProtectionBits(peer, ProtectionBit(tag), false);
        return IsProtected(peer);
    }

    /// <summary>True when the peer is protected by a tag or is a friend.</summary>
    public bool IsProtected(PeerKey peer) => _protections.ContainsKey(peer.Value);

    /// <summary>
    /// go's TagPeer (or UntagPeer when <paramref name="value"/> is 0). Tagging an unconnected peer creates
    /// a temporary entry, as go does to keep tags that arrive before the connection.
    /// </summary>
    public void SetTag(PeerKey peer, int tag, int value, long nowMs)
    {
        _work++;
        if (value == 0)
        {
            if (!_peers.TryGetValue(peer.Value, out var known)) return;
            int at = known.IndexOfTag(tag);
            if (at < 0) return;
            known.Value -= known.Tags[at].Value;
            known.RemoveTagAt(at);
            return;
        }
        var entry = EntryFor(peer, nowMs);
        int index = entry.IndexOfTag(tag);
        if (index < 0)
        {
            if (entry.TagCount == entry.Tags.Length) Array.Resize(ref entry.Tags, Math.Max(2, entry.Tags.Length * 2));
            index = entry.TagCount++;
            entry.Tags[index] = new TagValue { Tag = tag, Value = 0 };
        }
        entry.Value += value - entry.Tags[index].Value;
        entry.Tags[index].Value = value;
    }

    /// <summary>Sets the number of open streams of a connected peer (go reads it from each connection when sorting).</summary>
    public void SetStreams(PeerKey peer, int openStreams)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openStreams);
        if (_peers.TryGetValue(peer.Value, out var entry)) entry.Streams = openStreams;
    }

    /// <summary>
    /// go's RegisterDecayingTag: a named tag whose values decay every <paramref name="intervalMs"/> (raised to
    /// the decay resolution when shorter) by <paramref name="decay"/>, and change by <paramref name="bump"/>.
    /// </summary>
    public DecayingTagId RegisterDecayingTag(string name, long intervalMs, DecayRule decay, BumpRule bump)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_decayingTags.Exists(t => t.Name == name)) throw new ArgumentException($"decaying tag '{name}' already exists", nameof(name));
        if (decay.Kind == DecayKind.Fixed && !(decay.Parameter >= 0))
            throw new ArgumentOutOfRangeException(nameof(decay), "a fixed decay subtracts an amount >= 0");
        if (decay.Kind == DecayKind.Linear && !(decay.Parameter > 0 && decay.Parameter < 1))
            throw new ArgumentOutOfRangeException(nameof(decay), "a linear decay coefficient lies in (0, 1)");
        if (bump.Kind == BumpKind.SumBounded && bump.Min > bump.Max)
            throw new ArgumentOutOfRangeException(nameof(bump), "a bounded bump needs min <= max");
        long interval = Math.Max(intervalMs, Settings.DecayResolutionMs);
        _decayingTags.Add(new DecayingTagDefinition(name, interval, decay, bump, _lastDecayTickMs + interval));
        return new DecayingTagId(_decayingTags.Count - 1);
    }

    /// <summary>go's DecayingTag.Bump: changes the peer's value of <paramref name="tag"/> (creating a temporary entry if needed).</summary>
    public void BumpDecayingTag(PeerKey peer, DecayingTagId tag, int delta, long nowMs)
    {
        _work++;
        var definition = DefinitionOf(tag);
        var entry = EntryFor(peer, nowMs);
        int index = entry.IndexOfDecaying(tag.Value);
        if (index < 0)
        {
            if (entry.DecayingCount == entry.Decaying.Length) Array.Resize(ref entry.Decaying, Math.Max(4, entry.Decaying.Length * 2));
            index = entry.DecayingCount++;
            entry.Decaying[index] = new DecayingTagValue { Tag = tag.Value };
        }
        ref var value = ref entry.Decaying[index];
        int after = definition.Bump.Apply(value.Value, delta);
        entry.Value += after - value.Value;
        value.Value = after;
        value.LastVisitMs = nowMs;
    }

    /// <summary>go's DecayingTag.Remove: drops the peer's value of <paramref name="tag"/>.</summary>
    public void RemoveDecayingTag(PeerKey peer, DecayingTagId tag)
    {
        DefinitionOf(tag);
        if (!_peers.TryGetValue(peer.Value, out var entry)) return;
        int index = entry.IndexOfDecaying(tag.Value);
        if (index < 0) return;
        entry.Value -= entry.Decaying[index].Value;
        entry.RemoveDecayingAt(index);
    }

    private DecayingTagDefinition DefinitionOf(DecayingTagId tag) =>
        (uint)tag.Value < (uint)_decayingTags.Count ? _decayingTags[tag.Value] : throw new ArgumentException($"unknown decaying tag {tag.Value}", nameof(tag));

    private static ulong ProtectionBit(int tag)
    {
        if ((uint)tag >= 32) throw new ArgumentOutOfRangeException(nameof(tag), "protection tags are 0..31");
        return 1UL << tag;
    }

    private void SetProtectionBits(PeerKey peer, ulong bit, bool set)
    {
        ref ulong bits = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_protections, peer.Value, out _);
        bits = set ? bits | bit : bits & ~bit;
        if (bits == 0) _protections.Remove(peer.Value);
    }

    private sealed record DecayingTagDefinition(string Name, long IntervalMs, DecayRule Decay, BumpRule Bump, long FirstDueMs)
    {
        public long NextDueMs { get; set; } = FirstDueMs;
    }
}
