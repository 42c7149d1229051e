namespace ConnActors.Policy.Limits;

/// <summary>The size classes of node ConnActors is tuned for.</summary>
public enum ResourceProfile
{
    /// <summary>Browsers and IoT devices: a few dozen connections.</summary>
    Tiny,

    /// <summary>A desktop behind a residential router: stays well inside a 1,024-entry NAT table.</summary>
    Desktop,

    /// <summary>A server with a public address.</summary>
    Server,

    /// <summary>Large gateways and DHT boosters.</summary>
    Xl,
}
