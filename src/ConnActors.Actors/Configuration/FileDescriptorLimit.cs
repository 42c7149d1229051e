namespace ConnActors.Actors.Configuration;

/// <summary>The process's open-file limit, for autoscaling (Linux: /proc/self/limits; elsewhere a conservative default).</summary>
internal static class FileDescriptorLimit
{
    private const long Fallback = 1024;

    public static long Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[3], out long soft) ? soft : Fallback;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Fallback;
    }
}
