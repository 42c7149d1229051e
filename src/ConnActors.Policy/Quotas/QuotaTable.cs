namespace ConnActors.Policy.Quotas;

/// <summary>
/// Connection budgets per subsystem (dht, pubsub, bitswap, relay, identify, app...). A subsystem
/// enrolls with a reserved minimum and a maximum; the sum of reservations never exceeds the capacity
/// (over-commitment gets a counter-proposal). Usage counts the peers a subsystem claims: a connection
/// is unassigned until a protocol claims it, and may be claimed by several subsystems.
/// </summary>
public sealed class QuotaTable
{
    /// <summary>At most this many subsystems can be enrolled (claims are a 32-bit mask per peer).</summary>
    public const int MaxSubsystems = 32;

    private readonly Subsystem?[] _subsystems = new Subsystem?[MaxSubsystems];
    private int _reservedTotal;

    /// <summary>Creates a table over <paramref name="capacity"/> slots.</summary>
    public QuotaTable(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
    }

    /// <summary>Slots that reservations may add up to (the hard cap less the friend reserve).</summary>
    public int Capacity { get; private set; }

    /// <summary>
    /// The node's capacity changed (its share of a site budget): every subsystem's reservation and maximum
    /// are resolved again from what it asked for, reservations shrinking in enrollment order where they
    /// no longer fit. Claims are kept; a subsystem above its new maximum gets no more slots until it is below.
    /// </summary>
    public void Resize(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
        _reservedTotal = 0;
        foreach (var s in _subsystems)
        {
            if (s is null) continue;
            s.Maximum = Math.Max(1, Math.Min(s.Asked.Maximum.Resolve(capacity), capacity));
            s.Reserved = Math.Min(Math.Min(s.Asked.Reserved.Resolve(capacity), s.Maximum), capacity - _reservedTotal);
            if (s.Active) _reservedTotal += s.Reserved;
        }
    }

    /// <summary>Sum of active reservations.</summary>
    public int ReservedTotal => _reservedTotal;

    /// <summary>Enrolls a subsystem, or counter-proposes what fits, or rejects an invalid request.</summary>
    public Enrollment Enroll(QuotaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int reserved = request.Reserved.Resolve(Capacity);
        int maximum = request.Maximum.Resolve(Capacity);
        if (string.IsNullOrWhiteSpace(request.Name)) return Reject(request, "a subsystem needs a name");
        if (FindByName(request.Name) is not null) return Reject(request, $"'{request.Name}' is already enrolled");
        if (maximum < 1) return Reject(request, $"maximum must be at least one slot, was {request.Maximum}");
        if (reserved > maximum) return Reject(request, $"reserved ({request.Reserved} = {reserved}) exceeds maximum ({request.Maximum} = {maximum})");
        int slot = Array.FindIndex(_subsystems, s => s is null);
        if (slot < 0) return Reject(request, $"at most {MaxSubsystems} subsystems can enroll");

        int offeredReserved = Math.Min(reserved, Capacity - _reservedTotal);
        int offeredMaximum = Math.Min(maximum, Capacity);
        bool exact = offeredReserved == reserved && offeredMaximum == maximum;
        var subsystem = new Subsystem(request, offeredReserved, Math.Max(offeredMaximum, offeredReserved), active: exact);
        _subsystems[slot] = subsystem;
        if (exact) _reservedTotal += offeredReserved;
        var outcome = exact ? EnrollmentOutcome.Accepted : EnrollmentOutcome.CounterProposed;
        string? reason = exact ? null
            : $"asked reserved {reserved}, maximum {maximum}; {Capacity - _reservedTotal} of {Capacity} slots are unreserved";
        return new Enrollment(outcome, new SubsystemId(slot), request.Name, subsystem.Reserved, subsystem.Maximum, reason);
    }

    /// <summary>Accepts a counter-proposal: the subsystem is enrolled with the offered slots.</summary>
    public void AcceptCounterProposal(SubsystemId id)
    {
        var s = Get(id);
        if (s.Active) return;
        // Another enrollment may have reserved in between; the offer shrinks to what still fits.
        s.Reserved = Math.Min(s.Reserved, Capacity - _reservedTotal);
        s.Active = true;
        _reservedTotal += s.Reserved;
    }

    /// <summary>Withdraws an enrollment or a pending counter-proposal. The subsystem must hold no slots.</summary>
    public void Withdraw(SubsystemId id)
    {
        var s = Get(id);
        if (s.Used > 0) throw new InvalidOperationException($"'{s.Name}' still holds {s.Used} slots; release them first");
        if (s.Active) _reservedTotal -= s.Reserved;
        _subsystems[id.Value] = null;
    }

    /// <summary>True when <paramref name="id"/> is enrolled and active.</summary>
    public bool IsActive(SubsystemId id) => (uint)id.Value < MaxSubsystems && _subsystems[id.Value] is { Active: true };

    /// <summary>The enrolled subsystem called <paramref name="name"/>, if any.</summary>
    public SubsystemId? Find(string name)
    {
        for (int i = 0; i < MaxSubsystems; i++)
        {
            if (_subsystems[i] is { } s && s.Name == name) return new SubsystemId(i);
        }
        return null;
    }

    /// <summary>Name, reservation, maximum and usage of an enrolled subsystem.</summary>
    public QuotaUsage UsageOf(SubsystemId id)
    {
        var s = Get(id);
        return new QuotaUsage(id, s.Name, s.Reserved, s.Maximum, s.Used, s.Active);
    }

    /// <summary>Every enrolled or offered subsystem.</summary>
    public IEnumerable<QuotaUsage> All()
    {
        for (int i = 0; i < MaxSubsystems; i++)
        {
            if (_subsystems[i] is not null) yield return UsageOf(new SubsystemId(i));
        }
    }

    /// <summary>The names of the subsystems in a peer's claims (a bit per subsystem).</summary>
    public IReadOnlyList<string> NamesIn(uint claims)
    {
        if (claims == 0) return [];
        var names = new List<string>();
        for (int i = 0; i < MaxSubsystems; i++)
        {
            if ((claims & (1u << i)) != 0 && _subsystems[i] is { } s) names.Add(s.Name);
        }
        return names;
    }

    /// <summary>The active subsystems that have a free slot below their maximum.</summary>
    public IReadOnlyList<string> WithFreeSlots() => All().Where(q => q.Active && q.Used < q.Maximum).Select(q => q.Name).ToList();

    /// <summary>Slots <paramref name="id"/> holds beyond its reservation (negative when below).</summary>
    public int Surplus(SubsystemId id) => _subsystems[id.Value] is { } s ? s.Used - s.Reserved : 0;

    internal int SurplusAt(int index) => _subsystems[index] is { Active: true } s ? s.Used - s.Reserved : 0;

    /// <summary>
    /// Decides on a slot request. <paramref name="needsNewConnection"/> is false when the peer is already
    /// connected (the claim costs no connection); <paramref name="roomForNewConnection"/> says whether
    /// the node can open one more connection without closing another.
    /// </summary>
    public SlotOutcome Decide(SubsystemId id, bool needsNewConnection, bool roomForNewConnection)
    {
        var s = Get(id);
        if (!s.Active) throw new InvalidOperationException($"'{s.Name}' has not accepted its enrollment");
        if (s.Used >= s.Maximum) return SlotOutcome.DeniedAtMaximum;
        bool withinReservation = s.Used < s.Reserved;
        if (!needsNewConnection || roomForNewConnection) return withinReservation ? SlotOutcome.Granted : SlotOutcome.Borrowed;
        return withinReservation ? SlotOutcome.GrantedAfterReclaim : SlotOutcome.DeniedNoCapacity;
    }

    /// <summary>Records that <paramref name="id"/> now claims one more peer.</summary>
    public void Claim(SubsystemId id) => Get(id).Used++;

    /// <summary>Records that <paramref name="id"/> released one peer.</summary>
    public void Release(SubsystemId id)
    {
        var s = Get(id);
        if (s.Used == 0) throw new InvalidOperationException($"'{s.Name}' holds no slot to release");
        s.Used--;
    }

    /// <summary>Releases every subsystem in <paramref name="claims"/> (a peer went away).</summary>
    internal void ReleaseAll(uint claims)
    {
        while (claims != 0)
        {
            int index = System.Numerics.BitOperations.TrailingZeroCount(claims);
            claims &= claims - 1;
            if (_subsystems[index] is { Used: > 0 } s) s.Used--;
        }
    }

    private Subsystem Get(SubsystemId id) =>
        (uint)id.Value < MaxSubsystems && _subsystems[id.Value] is { } s ? s : throw new ArgumentException($"subsystem {id.Value} is not enrolled", nameof(id));

    private Subsystem? FindByName(string name) => Array.Find(_subsystems, s => s is not null && s.Name == name);

    private static Enrollment Reject(QuotaRequest request, string reason) =>
        new(EnrollmentOutcome.Rejected, new SubsystemId(-1), request.Name, 0, 0, reason);

    private sealed class Subsystem(QuotaRequest asked, int reserved, int maximum, bool active)
    {
        public QuotaRequest Asked { get; } = asked;
        public string Name => Asked.Name;
        public int Reserved { get; set; } = reserved;
        public int Maximum { get; set; } = maximum;
        public bool Active { get; set; } = active;
        public int Used { get; set; }
    }
}

/// <summary>A subsystem's budget and current usage.</summary>
public sealed record QuotaUsage(SubsystemId Id, string Name, int Reserved, int Maximum, int Used, bool Active);
