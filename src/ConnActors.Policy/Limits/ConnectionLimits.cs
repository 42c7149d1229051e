namespace ConnActors.Policy.Limits;

/// <summary>
/// Every connection bound of one node, in one place. Soft watermarks are derived from the hard cap
/// (<see cref="DerivedFrom"/>) or, when set explicitly, validated against it; <see cref="Validate"/>
/// rejects incoherent combinations naming the configuration key at fault.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Absolute ceiling on connections, established plus pending handshakes. Never exceeded.</summary>
    public required int HardCap { get; init; }

    /// <summary>Connection count at which a regulation (trim) round starts.</summary>
    public required int HighWater { get; init; }

    /// <summary>Connection count a regulation round trims down to (and never below).</summary>
    public required int LowWater { get; init; }

    /// <summary>Slots only outbound dials may use: an inbound flood can never take them.</summary>
    public required int OutboundReserve { get; init; }

    /// <summary>Slots only friends and protected peers may use.</summary>
    public required int FriendReserve { get; init; }

    /// <summary>Most connections to one peer.</summary>
    public required int MaxPerPeer { get; init; }

    /// <summary>Most inbound connections still in their handshake.</summary>
    public required int MaxPendingHandshakes { get; init; }

    /// <summary>Per-subnet connection caps and inbound rate limits.</summary>
    public required SubnetLimits Subnets { get; init; }

    /// <summary>Most dials in flight at once.</summary>
    public required int DialConcurrency { get; init; }

    /// <summary>Most new dials started per second (token bucket rate; burst = <see cref="DialConcurrency"/>).</summary>
    public required double DialRatePerSecond { get; init; }

    /// <summary>
    /// At or above high water, new inbound connections admitted per second (and burst); 0 turns the cap off.
    /// Friends and protected peers are not counted. Derived by <see cref="DefaultInboundRateAboveHighWater"/>.
    /// </summary>
    public double InboundRateAboveHighWater { get; init; }

    /// <summary>
    /// The derived inbound rate above high water: 5% of the hard cap per second, at least 4. It is the value
    /// the simulator's rate-cap ablation and the policy demo measured. It once matched the smoothed rounds'
    /// budget (5% of the cap per 1 s round); those were simplified away and a round now trims to low water at
    /// once, so the rate is an explicit limit of its own: it bounds how many handshakes an unknown flood gets
    /// out of a full node, and with the derived watermarks the headroom from high water (85%) to the hard cap
    /// lasts at least three 1 s regulation checks at this rate when the cap is 80 or more.
    /// </summary>
    public static double DefaultInboundRateAboveHighWater(int hardCap) => Math.Max(4, hardCap / 20);

    /// <summary>Most inbound connections at once: the hard cap less the outbound reserve.</summary>
    public int MaxInbound => HardCap - OutboundReserve;

    /// <summary>
    /// The libp2p host's own cap on pending inbound handshakes: only a backstop above
    /// <see cref="MaxPendingHandshakes"/>, which the policy enforces at the address gate. It also counts
    /// sockets still waiting for the gate's answer: under a reconnect flood hundreds are, and a backstop of
    /// twice the pending cap then dropped honest newcomers at accept before the gate could give them a
    /// slot (the slowloris test: 5 of 10 honest pings through instead of 10). Hence 256 more, a few MB of
    /// sockets at most.
    /// </summary>
    public int HostPendingHandshakeBackstop => Math.Max(MaxPendingHandshakes * 2, 16) + 256;

    /// <summary>
    /// Limits derived from a hard cap alone: high water at 85%, low water at 70%, outbound reserve 10%,
    /// friend reserve 5% (at least one each where the cap allows), pending handshakes 1/8 of the cap.
    /// </summary>
    public static ConnectionLimits DerivedFrom(int hardCap, SubnetLimits? subnets = null)
    {
        if (hardCap < 8) throw new PolicyConfigurationException("limits.hard-cap", $"must be at least 8, was {hardCap}");
        return new ConnectionLimits
        {
            HardCap = hardCap,
            HighWater = (int)Math.Max(2, hardCap * 85L / 100),
            LowWater = (int)Math.Max(1, hardCap * 70L / 100),
            OutboundReserve = Math.Max(1, hardCap / 10),
            FriendReserve = Math.Max(1, hardCap / 20),
            MaxPerPeer = hardCap >= 1000 ? 8 : 4,
            MaxPendingHandshakes = Math.Max(2, hardCap / 8),
            Subnets = subnets ?? SubnetLimits.Default,
            DialConcurrency = Math.Clamp(hardCap / 8, 4, 512),
            DialRatePerSecond = Math.Clamp(hardCap / 16.0, 2, 256),
            InboundRateAboveHighWater = DefaultInboundRateAboveHighWater(hardCap),
        };
    }

    /// <summary>
    /// These limits for another hard cap (a node's share of a site budget): watermarks and reserves keep
    /// their proportions of the cap, pending handshakes, dial caps and the dial and above-high-water inbound
    /// rates scale with it (a rate at most its derived minimum stays; 0, off, stays off), per-peer and subnet
    /// limits stay. At least 8 (the smallest valid cap).
    /// </summary>
    public ConnectionLimits ScaledTo(int hardCap)
    {
        hardCap = Math.Max(8, hardCap);
        if (hardCap == HardCap) return this;
        int Scale(int value, int minimum) => (int)Math.Max(minimum, (long)value * hardCap / HardCap);
        double ScaleRate(double perSecond, double minimum) =>
            perSecond <= 0 ? perSecond : Math.Max(Math.Min(perSecond, minimum), perSecond * hardCap / HardCap);
        var scaled = this with
        {
            HardCap = hardCap,
            HighWater = Math.Min(hardCap - 1, Scale(HighWater, 2)),
            OutboundReserve = Scale(OutboundReserve, OutboundReserve > 0 ? 1 : 0),
            FriendReserve = Scale(FriendReserve, FriendReserve > 0 ? 1 : 0),
            MaxPerPeer = Math.Min(MaxPerPeer, hardCap),
            MaxPendingHandshakes = Math.Min(hardCap, Scale(MaxPendingHandshakes, 1)),
            DialConcurrency = Scale(DialConcurrency, 1),
            DialRatePerSecond = ScaleRate(DialRatePerSecond, 2),
            InboundRateAboveHighWater = ScaleRate(InboundRateAboveHighWater, 4),
        };
        scaled = scaled with { LowWater = Math.Min(scaled.HighWater - 1, Scale(LowWater, 1)) };
        if (scaled.OutboundReserve + scaled.FriendReserve >= hardCap) scaled = scaled with { OutboundReserve = 1, FriendReserve = 1 };
        return scaled.Validate();
    }

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first incoherent setting.</summary>
    public ConnectionLimits Validate()
    {
        PolicyConfigurationException.Require(HardCap >= 8, "limits.hard-cap", $"must be at least 8, was {HardCap}");
        PolicyConfigurationException.Require(HighWater > 0 && HighWater < HardCap, "limits.high-water",
            $"must be above 0 and below limits.hard-cap ({HardCap}), was {HighWater}");
        PolicyConfigurationException.Require(LowWater > 0 && LowWater < HighWater, "limits.low-water",
            $"must be above 0 and below limits.high-water ({HighWater}), was {LowWater}");
        PolicyConfigurationException.Require(OutboundReserve >= 0 && OutboundReserve < HardCap, "limits.outbound-reserve",
            $"must be in [0, limits.hard-cap) = [0, {HardCap}), was {OutboundReserve}");
        PolicyConfigurationException.Require(FriendReserve >= 0 && FriendReserve < HardCap, "limits.friend-reserve",
            $"must be in [0, limits.hard-cap) = [0, {HardCap}), was {FriendReserve}");
        PolicyConfigurationException.Require(OutboundReserve + FriendReserve < HardCap, "limits.friend-reserve",
            $"limits.outbound-reserve ({OutboundReserve}) + limits.friend-reserve ({FriendReserve}) must leave room below limits.hard-cap ({HardCap})");
        PolicyConfigurationException.Require(MaxPerPeer >= 1 && MaxPerPeer <= HardCap, "limits.max-per-peer",
            $"must be in [1, limits.hard-cap], was {MaxPerPeer}");
        PolicyConfigurationException.Require(MaxPendingHandshakes >= 1 && MaxPendingHandshakes <= HardCap, "limits.max-pending-handshakes",
            $"must be in [1, limits.hard-cap], was {MaxPendingHandshakes}");
        PolicyConfigurationException.Require(DialConcurrency >= 1, "limits.dial-concurrency", $"must be at least 1, was {DialConcurrency}");
        PolicyConfigurationException.Require(DialRatePerSecond > 0 && double.IsFinite(DialRatePerSecond), "limits.dial-rate",
            $"must be a positive number of dials per second, was {DialRatePerSecond}");
        PolicyConfigurationException.Require(InboundRateAboveHighWater >= 0 && double.IsFinite(InboundRateAboveHighWater), "limits.inbound-rate-above-high-water",
            $"must be a number of connections per second, 0 for off, was {InboundRateAboveHighWater}");
        Subnets.Validate();
        return this;
    }
}
