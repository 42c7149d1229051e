using System.Diagnostics;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A child process started as a terminal starts it: with SIGINT at its default disposition (through
/// coreutils' <c>env --default-signal=INT</c>, which then execs the program under the same pid). A process
/// started from a shell's background job can inherit SIGINT ignored (a node started with <c>(node &amp;)</c>
/// showed it in /proc/PID/status and did not stop on SIGINT), and .NET then never sees Ctrl+C; the Ctrl+C tests
/// must not depend on how the suite itself was started.
/// </summary>
internal static class ForegroundStart
{
    public static ProcessStartInfo Of(string fileName)
    {
        var start = new ProcessStartInfo("env");
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(fileName);
        return start;
    }
}
