using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ConnActors.Node.Http.Security;

/// <summary>
/// The management API's bearer token: 32 random bytes (base64url) in <c>&lt;data-dir&gt;/api.token</c>, written at
/// first start with mode 0600 and kept across restarts (like bitcoind's cookie file, but stable so that scripts and
/// Prometheus can keep using it). Delete the file and restart to rotate it.
/// </summary>
internal sealed class ApiToken
{
    public const string FileName = "api.token";
    private const int MinimumLength = 32;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly byte[] _bytes;

    private ApiToken(string value, string path, bool created)
    {
        Value = value;
        Path = path;
        Created = created;
        _bytes = Encoding.ASCII.GetBytes(value);
    }

    public string Value { get; }

    /// <summary>Full path of the token file.</summary>
    public string Path { get; }

    /// <summary>Whether this start wrote the file.</summary>
    public bool Created { get; }

    /// <summary>Reads the token from <paramref name="dataDirectory"/>, creating it (mode 0600) when there is none.</summary>
    public static ApiToken LoadOrCreate(string dataDirectory)
    {
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path).Trim();
            if (existing.Length < MinimumLength || existing.Any(c => !IsTokenChar(c)))
                throw new InvalidDataException($"{path} does not hold an API token (at least {MinimumLength} characters of A-Z a-z 0-9 - _); delete it to have a new one written");
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0) File.SetUnixFileMode(path, OwnerOnly);
            return new ApiToken(existing, path, created: false);
        }
        Directory.CreateDirectory(dataDirectory);
        string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(token + "\n");
        File.Move(temporary, path, overwrite: false);
        return new ApiToken(token, path, created: true);
    }

    /// <summary>Whether <paramref name="presented"/> is the token, in time independent of where they differ.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (presented.Length != _bytes.Length) return false;
        Span<byte> bytes = stackalloc byte[presented.Length];
        for (int i = 0; i < presented.Length; i++) bytes[i] = presented[i] < 128 ? (byte)presented[i] : (byte)0;
        return CryptographicOperations.FixedTimeEquals(bytes, _bytes);
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
