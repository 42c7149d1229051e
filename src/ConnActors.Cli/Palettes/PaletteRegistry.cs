using System.CommandLine;
using System.Reflection;

namespace ConnActors.Cli.Palettes;

/// <summary>Builds connctl's command tree from every <see cref="IPalette"/> in the assembly.</summary>
internal static class PaletteRegistry
{
    public static RootCommand Build(GlobalOptions options)
    {
        var root = new RootCommand("connctl: operate a ConnActors node over its HTTP management API. Run without arguments for the interactive mode.");
        foreach (var option in options.All) root.Options.Add(option);
        var palettes = typeof(PaletteRegistry).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPalette).IsAssignableFrom(t))
            .Select(t => (IPalette)Activator.CreateInstance(t)!)
            .SelectMany(p => p.Commands(options))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var command in palettes) root.Subcommands.Add(command);
        return root;
    }
}
