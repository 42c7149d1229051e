namespace ConnActors.Libp2p.Host;

/// <summary>A hook's answer: allow, or refuse with a reason that is reported and logged.</summary>
public readonly record struct GateDecision(bool Allowed, string? Reason)
{
    public static readonly GateDecision Allow = new(true, null);

    public static GateDecision Refuse(string reason) => new(false, reason);
}
