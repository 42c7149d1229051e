using ConnActors.Actors.Bye;
using ConnActors.Actors.Manager;
using ConnActors.Node.Live;
using Prometheus;

namespace ConnActors.Node.Metrics;

/// <summary><c>connactors_byes_sent_total{reason}</c>: byes delivered before a close, counted from the manager's <see cref="ByeSent"/> events.</summary>
internal sealed class ByeMetrics : IManagerEventSink
{
    private readonly Counter _byes;

    public ByeMetrics(IMetricFactory factory)
    {
        _byes = factory.CreateCounter("connactors_byes_sent_total", "Byes delivered to peers before closing their connections, by bye reason.", ["reason"]);
        foreach (var reason in Enum.GetNames<ByeReason>()) _byes.WithLabels(reason);
    }

    public void Accept(IManagerEvent managerEvent, DateTimeOffset at)
    {
        if (managerEvent is ByeSent bye) _byes.WithLabels(bye.Reason).Inc();
    }
}
