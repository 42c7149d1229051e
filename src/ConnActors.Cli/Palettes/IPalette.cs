using System.CommandLine;

namespace ConnActors.Cli.Palettes;

/// <summary>
/// A palette of connctl commands (pbm style: <c>connctl peers list</c>, <c>connctl friend add</c>...). Every class
/// implementing this in the assembly is found at start, so a new palette is one new file.
/// </summary>
internal interface IPalette
{
    /// <summary>The top-level commands of the palette.</summary>
    IEnumerable<Command> Commands(GlobalOptions options);
}
