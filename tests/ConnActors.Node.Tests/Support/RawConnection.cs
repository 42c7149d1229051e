using System.Net.Sockets;
using System.Text;

namespace ConnActors.Node.Tests.Support;

/// <summary>Raw TCP reads for tests that speak to the API below HTTP clients (floods, trickled headers).</summary>
internal static class RawConnection
{
    /// <summary>
    /// What the server sent before it closed <paramref name="stream"/> (a reset counts as a close); fails with
    /// <paramref name="stillOpen"/> and what had arrived when the connection is still open after <paramref name="limit"/>.
    /// </summary>
    public static async Task<string> ReadUntilClosedAsync(NetworkStream stream, TimeSpan limit, string stillOpen)
    {
        var buffer = new byte[4096];
        var received = new StringBuilder();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (IOException) { }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{stillOpen}: still open after {limit.TotalSeconds:0} s, having received {received.Length} bytes");
        }
        return received.ToString();
    }
}
