using System.CommandLine;
using ConnActors.Cli;
using ConnActors.Cli.Interactive;
using ConnActors.Cli.Palettes;

var options = new GlobalOptions();
var root = PaletteRegistry.Build(options);
// No command (nothing, or only global options such as --node): the interactive mode, those options applying to every command.
root.SetAction((_, _) => InteractiveShell.RunAsync(root, args));
return await CommandRunner.RunAsync(root, args, new InvocationConfiguration());
