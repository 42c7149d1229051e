namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A temporary config directory (a copy of the node's hocon/ folder, with the test's own override.conf) and a
/// temporary data directory; both deleted on dispose.
/// </summary>
internal sealed class NodeDirectories : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("connactors-node-test-").FullName;

    public NodeDirectories(string overrideConf = "")
    {
        Copy(Path.Combine(AppContext.BaseDirectory, "hocon"), ConfigDir);
        File.WriteAllText(Path.Combine(ConfigDir, "override.conf"), overrideConf);
        Directory.CreateDirectory(DataDir);
    }

    public string ConfigDir => Path.Combine(_root, "hocon");

    public string DataDir => Path.Combine(_root, "data");

    public string TokenFile => Path.Combine(DataDir, "api.token");

    /// <summary>The API token the node wrote into the data directory at its first start.</summary>
    public string Token => File.ReadAllText(TokenFile).Trim();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process; the OS cleans temp later.
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
