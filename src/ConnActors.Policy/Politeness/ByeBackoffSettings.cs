namespace ConnActors.Policy.Politeness;

/// <summary>
/// How long a bye asks a trimmed peer to wait before it dials us again (<c>bye.*</c>). An idle peer is
/// asked for <see cref="BackoffMs"/> (1 min, gossipsub's PRUNE backoff): enough to stop a reconnect
/// storm. A peer that used the connection lately (a stream within <see cref="ActiveWindowMs"/>) will
/// need us again only on demand, a DHT client its server for its next query; a long backoff would make
/// that query skip us, so it is asked for <see cref="ActivePeerBackoffMs"/> (none by default).
/// </summary>
public sealed record ByeBackoffSettings
{
    /// <summary>Defaults.</summary>
    public static ByeBackoffSettings Default { get; } = new();

    /// <summary>Backoff asked of an idle peer (<c>bye.backoff</c>, 1 min).</summary>
    public long BackoffMs { get; init; } = 60_000;

    /// <summary>Backoff asked of a peer with a stream in the last <see cref="ActiveWindowMs"/> (<c>bye.active-peer-backoff</c>, 0).</summary>
    public long ActivePeerBackoffMs { get; init; } = 0;

    /// <summary>How recent a stream makes a peer active (<c>bye.active-window</c>, 10 min); 0 treats every peer as idle.</summary>
    public long ActiveWindowMs { get; init; } = 600_000;

    /// <summary>
    /// How long this node does not dial a (non-friend) peer it trimmed itself (<c>bye.own-trim-backoff</c>,
    /// 1 min; 0: off). Whatever backoff the bye asked of the peer: its own lookups and mesh repairs
    /// would otherwise redial it within seconds (<see cref="OwnTrimHold"/>).
    /// </summary>
    public long OwnTrimBackoffMs { get; init; } = 60_000;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public ByeBackoffSettings Validate()
    {
        PolicyConfigurationException.Require(BackoffMs >= 0, "bye.backoff", $"must be >= 0, was {BackoffMs} ms");
        PolicyConfigurationException.Require(ActivePeerBackoffMs >= 0 && ActivePeerBackoffMs <= BackoffMs, "bye.active-peer-backoff",
            $"must be in [0, bye.backoff = {BackoffMs} ms], was {ActivePeerBackoffMs} ms");
        PolicyConfigurationException.Require(ActiveWindowMs >= 0, "bye.active-window", $"must be >= 0, was {ActiveWindowMs} ms");
        PolicyConfigurationException.Require(OwnTrimBackoffMs >= 0, "bye.own-trim-backoff", $"must be >= 0 (0: off), was {OwnTrimBackoffMs} ms");
        return this;
    }
}
