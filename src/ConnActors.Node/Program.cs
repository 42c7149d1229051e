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
    foreach (var unknown in NodeConfiguration.UnknownKeys)
    {
        string hint = unknown.DidYouMean is { } known ? $" (did you mean {known}?)" : "";
        if (options.StrictConfig) throw new PolicyConfigurationException(unknown.Key, $"is not a known key{hint}");
        Console.Error.WriteLine($"warning: unknown key {unknown.Key}{hint}; it has no effect");
    }
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

try
{
    await NodeRunner.RunAsync(config, settings, http, CancellationToken.None);
}
catch (PolicyConfigurationException e)
{
    Console.Error.WriteLine($"configuration error: {e.Key}: {e.Reason}");
    return 1;
}
catch (StartupFailedException e)
{
    Console.Error.WriteLine($"start-up failed: {e.Message}");
    return 1;
}
return Environment.ExitCode;
