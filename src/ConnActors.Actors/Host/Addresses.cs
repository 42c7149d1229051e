using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Admission;

namespace ConnActors.Actors.Host;

/// <summary>Conversions between the wire's types and the policy's.</summary>
internal static class Addresses
{
    /// <summary>The IP of a multiaddr for admission (an address without an IP, e.g. dns, maps to 0.0.0.0).</summary>
    public static RemoteAddress ToRemoteAddress(Multiaddr address)
    {
        foreach (var component in address.Components)
        {
            if (component.Protocol.Kind is ValueKind.Ip4 or ValueKind.Ip6) return RemoteAddress.FromBytes(component.Value);
        }
        return RemoteAddress.IPv4(0);
    }

    public static ConnectionDirection ToPolicy(this Libp2p.Host.ConnectionDirection direction) =>
        direction == Libp2p.Host.ConnectionDirection.Inbound ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;

    /// <summary>A stable 64-bit key of an address, for per-address dial backoff.</summary>
    public static Policy.AddressKey ToAddressKey(Multiaddr address)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (byte b in address.WithoutPeerId().ToBytes()) hash = (hash ^ b) * 1099511628211UL;
        return new Policy.AddressKey(hash);
    }
}
