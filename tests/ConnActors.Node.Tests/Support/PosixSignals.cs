using System.Runtime.InteropServices;

namespace ConnActors.Node.Tests.Support;

/// <summary>Linux signal numbers the tests send.</summary>
public enum PosixSignalNumber
{
    Interrupt = 2,
    Terminate = 15,
}

/// <summary>kill(2), for signals other than SIGKILL (which Process.Kill sends).</summary>
internal static class PosixSignals
{
    public static void Send(int pid, PosixSignalNumber signal)
    {
        if (Kill(pid, (int)signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
