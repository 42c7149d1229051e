namespace ConnActors.Policy.Politeness;

/// <summary>All politeness settings (<c>dial.*</c>, <c>friend-reconnect.*</c>, <c>bye.honour-ceiling</c>, plus the dial caps of <c>limits.*</c>).</summary>
public sealed record PolitenessSettings
{
    /// <summary>Defaults.</summary>
    public static PolitenessSettings Default { get; } = new();

    /// <summary>Dial failure backoff and remote bye obligations.</summary>
    public DialBackoffSettings DialBackoff { get; init; } = DialBackoffSettings.Default;

    /// <summary>Friend reconnect curve (<c>friend-reconnect.*</c>).</summary>
    public BackoffSettings FriendReconnect { get; init; } = BackoffSettings.FriendReconnectDefault;

    /// <summary>Dial queue ordering and caps.</summary>
    public DialQueueSettings DialQueue { get; init; } = DialQueueSettings.Default;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public PolitenessSettings Validate()
    {
        DialBackoff.Validate();
        FriendReconnect.Validate("friend-reconnect");
        DialQueue.Validate();
        return this;
    }
}
