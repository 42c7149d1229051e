using System.Text.Json;
using System.Text.Json.Nodes;
using ConnActors.Cli.Node;
using Spectre.Console;

namespace ConnActors.Cli;

/// <summary>A running command's node client and output: tables on the console, or the node's JSON with <c>--json</c>.</summary>
internal sealed class CommandContext(NodeClient node, bool json, IAnsiConsole console) : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public NodeClient Node { get; } = node;

    public bool Json { get; } = json;

    public IAnsiConsole Console { get; } = console;

    /// <summary>Prints <paramref name="answer"/> as JSON with --json, otherwise what <paramref name="render"/> draws.</summary>
    public void Print(JsonNode answer, Action<IAnsiConsole> render)
    {
        if (Json) System.Console.Out.WriteLine(answer.ToJsonString(Indented));
        else render(Console);
    }

    /// <summary>A one-line result of a change (the node's <c>result</c>), or its JSON.</summary>
    public void PrintResult(JsonNode answer) =>
        Print(answer, c => c.MarkupLineInterpolated($"[green]ok[/] {answer["result"]?.GetValue<string>() ?? answer.ToJsonString()}"));

    public void Dispose() => Node.Dispose();
}
