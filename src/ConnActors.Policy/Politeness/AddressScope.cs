using ConnActors.Policy.Admission;

namespace ConnActors.Policy.Politeness;

/// <summary>How far an IP address reaches: the same machine, a private network, the internet, or nowhere.</summary>
public enum AddressReach
{
    /// <summary>0.0.0.0/8, ::, multicast, 240.0.0.0/4 and broadcast: nothing to dial.</summary>
    None,

    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), 169.254/16, fc00::/7, fe80::/10.</summary>
    Private,

    /// <summary>Everything else.</summary>
    Public,
}

/// <summary>
/// Which addresses a peer may make this node dial. A bye's alternatives are addresses the departing peer chose: a peer
/// that reached us over the internet may point us at internet addresses only, not at this machine or the networks behind
/// our router (a peer on our own private network or machine may name addresses there too). Without it, any peer could
/// have this node open connections to a victim inside its network or to services on its own loopback.
/// </summary>
public static class AddressScope
{
    /// <summary>How far <paramref name="address"/> reaches.</summary>
    public static AddressReach Of(RemoteAddress address)
    {
        if (address.IsIPv6)
        {
            ulong high = address.High;
            if (high == 0 && address.Low == 0) return AddressReach.None;
            if (address.IsLoopback) return AddressReach.Loopback;
            if (high >> 56 == 0xFF) return AddressReach.None; // multicast
            if (high >> 57 == 0xFC >> 1 || high >> 54 == 0xFE80 >> 6) return AddressReach.Private; // fc00::/7, fe80::/10
            return AddressReach.Public;
        }
        uint v4 = (uint)address.High;
        uint first = v4 >> 24;
        if (first == 0 || first >= 224) return AddressReach.None;
        if (address.IsLoopback) return AddressReach.Loopback;
        if (first == 10 || v4 >> 20 == (172u << 4 | 1) || v4 >> 16 == (192u << 8 | 168) || v4 >> 22 == (100u << 2 | 1) || v4 >> 16 == (169u << 8 | 254))
            return AddressReach.Private;
        return AddressReach.Public;
    }

    /// <summary>
    /// Whether a peer whose connection comes from <paramref name="sender"/> may have this node dial
    /// <paramref name="target"/>: a public target always, a loopback or private one only from a sender of that same reach.
    /// </summary>
    public static bool MayPointAt(AddressReach sender, AddressReach target) =>
        target == AddressReach.Public || (target != AddressReach.None && target == sender);
}
