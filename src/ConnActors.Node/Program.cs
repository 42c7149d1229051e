using System.Runtime.InteropServices;
using ConnActors.Actors.Configuration;
using ConnActors.Node;
using ConnActors.Node.Http;
using ConnActors.Policy;

var (options, error) = NodeOptions.Parse(args);
if (options is null)
{
    if (error is not null) Console.Error.WriteLine($"error: {error}");
    (error is null ? Console.Out : Console.Error).WriteLine(NodeOptions.Usage);
    return error is null ? 0 : 2;
}

Akka.Configuration.Config config;
ConnActorsSettings settings;
HttpSettings http;
try
{
    config = NodeConfiguration.Load(options);
    settings = ConnActorsSettings.FromConfig(config);
    http = HttpSettings.FromConfig(config);
}
catch (PolicyConfigurationException e)
{
    Console.Error.WriteLine($"configuration error: {e.Key}: {e.Reason}");
    return 1;
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine($"configuration error: {e.Message}");
    return 1;
}

using var stop = new CancellationTokenSource();
// Both through PosixSignalRegistration: Console.CancelKeyPress could lose Ctrl+C (SIGINT) to the
// management API's own console lifetime, which registers SIGINT the same way.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    await NodeRunner.RunAsync(config, settings, http, stop.Token);
}
catch (PolicyConfigurationException e)
{
    Console.Error.WriteLine($"configuration error: {e.Key}: {e.Reason}");
    return 1;
}
return 0;
