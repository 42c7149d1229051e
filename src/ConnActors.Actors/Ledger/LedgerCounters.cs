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

    /// <summary>The name of a refusal reason, without allocating.</summary>
    public static string NameOf(RefusalReason reason) => RefusalNames[(int)reason];

    public void Refused(RefusalReason reason) => Refused(NameOf(reason));

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
