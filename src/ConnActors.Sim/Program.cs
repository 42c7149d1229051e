using ConnActors.Sim;
using ConnActors.Sim.Cli;

return SimProgram.Run(args, Console.Out, Console.Error);

namespace ConnActors.Sim
{
    /// <summary>Entry point: parses the command line (usage and exit code 2 on bad arguments) and runs.</summary>
    internal static class SimProgram
    {
        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            CliOptions options;
            try
            {
                options = CliOptions.Parse(args);
                options.CheckMemory(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
                CliOptions.CheckOutDirectory(options.OutDirectory);
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                stderr.WriteLine(CliOptions.Usage);
                return 2;
            }
            string command = "dotnet run -c Release --project src/ConnActors.Sim -- " + string.Join(' ', args);
            new SimRunner(options, stdout, stderr).Execute(command);
            return 0;
        }
    }
}
