namespace ConnActors.Libp2p.Identity;

/// <summary>Loads the node's private key from a file, or generates one there on first start (owner-only permissions).</summary>
public static class KeyFile
{
    /// <exception cref="FormatException">The file exists but holds no valid key.</exception>
    public static PrivateKey LoadOrCreate(string path)
    {
        if (File.Exists(path)) return PrivateKey.FromProtobuf(File.ReadAllBytes(path));
        var key = PrivateKey.Generate();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(tmp, options))
        {
            file.Write(key.ToProtobuf());
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: false);
        return key;
    }
}
