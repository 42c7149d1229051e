using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Tests.Keys;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("connactors-key-").FullName;

    [Fact]
    public void First_start_creates_an_owner_only_key_and_later_starts_reuse_it()
    {
        var path = Path.Combine(_dir, "sub", "identity.key");
        var first = KeyFile.LoadOrCreate(path);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var second = KeyFile.LoadOrCreate(path);
        Assert.Equal(first.PeerId, second.PeerId);
    }

    [Fact]
    public void A_corrupt_key_file_is_an_error_not_a_new_identity()
    {
        var path = Path.Combine(_dir, "bad.key");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.ThrowsAny<FormatException>(() => KeyFile.LoadOrCreate(path));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
