using System.Diagnostics;

namespace ConnActors.Actors.Bench;

/// <summary>CPU seconds and resident memory of a process, read from /proc (Linux) or the Process API.</summary>
internal static class ProcessMeter
{
    public static (double CpuSeconds, long RssBytes) Read(int pid)
    {
        using var p = Process.GetProcessById(pid);
        p.Refresh();
        return (p.TotalProcessorTime.TotalSeconds, p.WorkingSet64);
    }
}
