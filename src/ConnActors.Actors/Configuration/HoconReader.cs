using System.Globalization;
using Akka.Configuration;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>Typed reads from one HOCON section, each failure a <see cref="PolicyConfigurationException"/> naming the full key.</summary>
internal sealed class HoconReader
{
    private readonly Config _config;
    private readonly string _prefix;

    public HoconReader(Config config, string prefix)
    {
        _config = config;
        _prefix = prefix;
    }

    public string Key(string path) => $"{_prefix}.{path}";

    public bool IsSet(string path) => _config.HasPath(path) && !string.Equals(_config.GetString(path), "profile", StringComparison.OrdinalIgnoreCase);

    public string String(string path)
    {
        var value = Read(path, p => _config.GetString(p));
        if (string.IsNullOrWhiteSpace(value)) throw new PolicyConfigurationException(Key(path), "must not be empty");
        return value;
    }

    /// <summary>The string as written, possibly empty.</summary>
    public string Raw(string path) => Read(path, p => _config.GetString(p)) ?? "";

    /// <summary>The string as written, possibly empty; a list or an object is refused.</summary>
    public string Text(string path)
    {
        var value = Read(path, p => _config.GetValue(p));
        if (value is not null && (value.IsArray() || value.IsObject()))
            throw new PolicyConfigurationException(Key(path), "must be a string (in quotes), not a list or an object");
        return Raw(path);
    }

    public int Int(string path)
    {
        string text = String(path);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new PolicyConfigurationException(Key(path), $"'{text}' is not a whole number");
    }

    public double Double(string path)
    {
        string text = String(path);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new PolicyConfigurationException(Key(path), $"'{text}' is not a number");
    }

    public bool Bool(string path) => Read(path, p => _config.GetBoolean(p));

    public int IntOrProfile(string path, int profileValue) => IsSet(path) ? Int(path) : profileValue;

    /// <summary>The value, or null when it is "profile" (derived by the policy).</summary>
    public int? IntOrNull(string path) => IsSet(path) ? Int(path) : null;

    public TimeSpan PositiveDuration(string path)
    {
        var value = Duration(path);
        if (value <= TimeSpan.Zero) throw new PolicyConfigurationException(Key(path), $"must be positive, was {value}");
        return value;
    }

    public double DoubleOrProfile(string path, double profileValue) => IsSet(path) ? Double(path) : profileValue;

    public TimeSpan Duration(string path)
    {
        var value = Read(path, p => _config.GetTimeSpan(p, null, allowInfinite: false));
        if (value < TimeSpan.Zero) throw new PolicyConfigurationException(Key(path), $"must not be negative, was {value}");
        return value;
    }

    public long Milliseconds(string path) => (long)Duration(path).TotalMilliseconds;

    /// <summary>A size in bytes ("64KiB", "1MiB", or a plain number).</summary>
    public long? Bytes(string path)
    {
        var value = Read(path, p => _config.GetByteSize(p));
        if (value is < 0) throw new PolicyConfigurationException(Key(path), $"must not be negative, was {value}");
        return value;
    }

    /// <summary>A list of strings; a single value is refused (Akka reads it as an empty list, so <c>friends = "..."</c> went unnoticed).</summary>
    public IReadOnlyList<string> Strings(string path)
    {
        var value = Read(path, p => _config.GetValue(p));
        if (value is not null && value.IsString())
            throw new PolicyConfigurationException(Key(path), "must be a list in brackets, e.g. [\"...\"], not a single value");
        return Read(path, p => _config.GetStringList(p))?.ToList() ?? [];
    }

    public IReadOnlyList<Multiaddr> Multiaddrs(string path, bool requirePeerId)
    {
        var result = new List<Multiaddr>();
        foreach (var text in Strings(path))
        {
            Multiaddr address;
            try
            {
                address = Multiaddr.Parse(text);
            }
            catch (Exception e) when (e is MultiaddrFormatException or FormatException or ArgumentException)
            {
                throw new PolicyConfigurationException(Key(path), $"'{text}' is not a multiaddr: {e.Message}");
            }
            if (requirePeerId && address.PeerId is null)
                throw new PolicyConfigurationException(Key(path), $"'{text}' must end in /p2p/<peer id>");
            result.Add(address);
        }
        return result;
    }

    public HoconReader Section(string path) => new(Read(path, p => _config.GetConfig(p)) ?? ConfigurationFactory.Empty, Key(path));

    public IEnumerable<string> ChildNames() => _config.Root.GetObject().Items.Keys;

    private T Read<T>(string path, Func<string, T> read)
    {
        if (!_config.HasPath(path)) throw new PolicyConfigurationException(Key(path), "is missing");
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is not PolicyConfigurationException)
        {
            throw new PolicyConfigurationException(Key(path), e.Message);
        }
    }
}
