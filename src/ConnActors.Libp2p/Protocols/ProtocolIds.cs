namespace ConnActors.Libp2p.Protocols;

/// <summary>Protocol ids of the built-in protocols.</summary>
public static class ProtocolIds
{
    public const string Identify = "/ipfs/id/1.0.0";
    public const string IdentifyPush = "/ipfs/id/push/1.0.0";
    public const string Ping = "/ipfs/ping/1.0.0";
}
