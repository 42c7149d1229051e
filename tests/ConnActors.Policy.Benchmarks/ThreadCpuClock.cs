namespace ConnActors.Policy.Benchmarks;

/// <summary>The calling thread's CPU time (Linux), for the probes: unlike wall time, not lengthened by other processes.</summary>
internal static class ThreadCpuClock
{
    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int clock_gettime(int clock, out Timespec ts);

    private struct Timespec { public long Sec; public long Nsec; }

    public static double Ms()
    {
        clock_gettime(3, out var ts); // CLOCK_THREAD_CPUTIME_ID
        return ts.Sec * 1000.0 + ts.Nsec / 1e6;
    }
}
