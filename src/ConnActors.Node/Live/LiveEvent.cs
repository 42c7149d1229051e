using System.Text.Json;
using System.Text.Json.Nodes;
using ConnActors.Actors.Manager;

namespace ConnActors.Node.Live;

/// <summary>One event of the live feed: its type name on the wire, when the node saw it, and the manager's event.</summary>
internal sealed record LiveEvent(string Type, DateTimeOffset At, IManagerEvent Event)
{
    public const string Lost = "lost";

    /// <summary>The wire names of the event types, as <c>GET /api/events</c> sends them.</summary>
    public static IReadOnlyList<string> Types { get; } = ["admitted", "refused", "trimmed", "bye", "closed", "share", Lost];

    public static string TypeOf(IManagerEvent managerEvent) => managerEvent switch
    {
        ConnectionAdmitted => "admitted",
        AdmissionRefused => "refused",
        PeerTrimmed => "trimmed",
        ByeSent => "bye",
        ConnectionClosed => "closed",
        HardCapChanged => "share",
        EventsLost => Lost,
        _ => "other",
    };

    /// <summary><c>{"type": ..., "at": ..., ...the event's fields}</c>.</summary>
    public string ToJson(JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(Event, Event.GetType(), options) as JsonObject ?? new JsonObject();
        node.Insert(0, options.PropertyNamingPolicy?.ConvertName("Type") ?? "type", Type);
        node.Insert(1, options.PropertyNamingPolicy?.ConvertName("At") ?? "at", At.ToString("O"));
        return node.ToJsonString(options);
    }
}
