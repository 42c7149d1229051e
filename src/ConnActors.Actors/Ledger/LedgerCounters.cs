using ConnActors.Policy.Admission;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Ledger;

/// <summary>Refusals and trims by reason since start, for status views, logs and metrics.</summary>
internal sealed class LedgerCounters
{
    private static readonly string[] RefusalNames = Enum.GetNames<RefusalReason>();
    private readonly Dictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _trims = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Refusals => _refusals;

    public IReadOnlyDictionary<string, long> Trims => _trims;

    public long TotalRefusals { get; private set; }

    /// <summary>Inbound connections admitted at the address gate that never finished their handshake (garbage, a stalled
    /// or failed Noise handshake, a timeout, a refusal after security): until 1 Dec 2026 they left no trace.</summary>
    public long FailedInboundHandshakes { get; private set; }

    public void InboundHandshakeFailed() => FailedInboundHandshakes++;

    /// <summary>Refusals for lack of room (what a member of a site reports as unmet demand).</summary>
    public long CapacityRefusals { get; private set; }

    /// <summary>The name of a refusal reason, without allocating.</summary>
    public static string NameOf(RefusalReason reason) => RefusalNames[(int)reason];

    public void Refused(RefusalReason reason)
    {
        if (AdmissionVerdict.IsForRoom(reason)) CapacityRefusals++;
        Refused(NameOf(reason));
    }

    /// <summary>A refusal because the node holds no share of its site's budget.</summary>
    public void RefusedWithoutShare()
    {
        CapacityRefusals++;
        Refused(NoSiteShare);
    }

    /// <summary>A dial or inbound connection refused because the member's router entries (open, in flight, lingering) fill its share.</summary>
    public void RefusedForRouterEntries()
    {
        CapacityRefusals++;
        Refused(RouterEntriesFull);
    }

    /// <summary>The reason of a refusal because the member's router entries fill its share of the site budget.</summary>
    public const string RouterEntriesFull = "RouterEntriesFull";

    /// <summary>The reason of a dial refused because this node trimmed the peer itself within <c>bye.own-trim-backoff</c>.</summary>
    public const string OwnTrimBackoff = "OwnTrimBackoff";

    /// <summary>The reason of a refusal by a member without a share of its site's budget.</summary>
    public const string NoSiteShare = "NoSiteShare";

    public void Refused(string reason)
    {
        _refusals[reason] = _refusals.GetValueOrDefault(reason) + 1;
        TotalRefusals++;
    }

    public void Trimmed(TrimReason reason)
    {
        string name = reason.ToString();
        _trims[name] = _trims.GetValueOrDefault(name) + 1;
    }
}
