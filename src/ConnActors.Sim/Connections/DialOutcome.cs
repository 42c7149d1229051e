namespace ConnActors.Sim.Connections;

/// <summary>The outcome of a dial in the simulation.</summary>
internal enum DialOutcome : byte
{
    Connected,
    AlreadyConnected,
    Offline,
    SkippedForBye,
    LocalRouterFull,
    RemoteRouterFull,
    LocalRefused,
    RemoteRefused,
}

/// <summary>Why a simulated connection closed.</summary>
internal enum CloseReason : byte
{
    /// <summary>An end went offline.</summary>
    Churn,

    /// <summary>A regulation round of the policy trimmed it.</summary>
    Trim,

    /// <summary>A subsystem's slot request named it as the victim.</summary>
    Reclaim,
}

/// <summary>Told about every connection that closes, after it is gone from both ends.</summary>
internal interface ILinkObserver
{
    /// <summary><paramref name="flagsA"/> and <paramref name="flagsB"/> are each end's flags before the close.</summary>
    void LinkClosed(int a, int b, Model.LinkFlags flagsA, Model.LinkFlags flagsB, CloseReason reason);
}
