using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// One invocation per iteration, as IterationSetup requires. The 40 warm-up iterations let the JIT reach
/// its optimized tier (a method called once per iteration is promoted only after 30 calls); with 3, a trim
/// round was measured in unoptimized code. The call counting starts at once (DOTNET_TC_CallCountingDelayMs=0):
/// by default it waits until no method was compiled for 100 ms, which the short 1,000-peer rounds (whole run
/// about 100 ms) never gave, so they were measured in tier-0 code.
/// </summary>
internal sealed class OneCallPerIterationConfig : ManualConfig
{
    public OneCallPerIterationConfig() =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(40).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")));
}
