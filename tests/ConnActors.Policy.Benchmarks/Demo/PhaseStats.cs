using ConnActors.Policy.Admission;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>What one policy did during one phase.</summary>
internal sealed class PhaseStats
{
    public int ConnectionsAtEnd { get; set; }
    public int Peak { get; set; }
    public int FriendsKept { get; set; }
    public long WorkUnits { get; set; }
    public SortedDictionary<RefusalReason, int> Refused { get; } = new();
    public SortedDictionary<TrimReason, int> Trimmed { get; } = new();

    public void CountRefusal(RefusalReason reason) => Refused[reason] = Refused.GetValueOrDefault(reason) + 1;

    public void CountTrim(TrimReason reason, int connections) => Trimmed[reason] = Trimmed.GetValueOrDefault(reason) + connections;
}
