using System.Net;
using Akka.Configuration;
using ConnActors.Policy;

namespace ConnActors.Node.Http;

/// <summary>
/// The management API's settings, <c>connactors.http { enabled, listen, allowed-hosts, ask-timeout, max-connections }</c>; defaults in
/// hocon/connactors.conf. Invalid values are a <see cref="PolicyConfigurationException"/> naming the key.
/// </summary>
internal sealed record HttpSettings(bool Enabled, string Listen, IPAddress? Address, int Port, TimeSpan AskTimeout, IReadOnlyList<string> AllowedHosts, int MaxConnections)
{
    public const string EnabledKey = "connactors.http.enabled";
    public const string ListenKey = "connactors.http.listen";
    public const string AskTimeoutKey = "connactors.http.ask-timeout";
    public const string AllowedHostsKey = "connactors.http.allowed-hosts";
    public const string MaxConnectionsKey = "connactors.http.max-connections";

    /// <summary>Bound to a loopback address (or "localhost"): reads need no token there.</summary>
    public bool IsLoopback => Address is null || IPAddress.IsLoopback(Address);

    public static HttpSettings FromConfig(Config config)
    {
        bool enabled = Read(config, EnabledKey, "on", text => text.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new FormatException("must be on or off"),
        });
        var (listen, address, port) = Read(config, ListenKey, "http://127.0.0.1:5080", ParseListen);
        var askTimeout = Read(config, AskTimeoutKey, "10s", text =>
        {
            var value = ConfigurationFactory.ParseString($"t = {text}").GetTimeSpan("t", null, allowInfinite: false);
            return value > TimeSpan.Zero ? value : throw new FormatException("must be a positive duration, e.g. 10s");
        });
        int maxConnections = Read(config, MaxConnectionsKey, "256", text =>
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65_536
                ? n
                : throw new FormatException("must be a whole number from 1 to 65536"));
        return new HttpSettings(enabled, listen, address, port, askTimeout, ReadAllowedHosts(config), maxConnections);
    }

    // Kestrel is given an IP address and port, or "localhost" (both loopback interfaces); nothing else.
    private static (string Text, IPAddress? Address, int Port) ParseListen(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new FormatException($"'{text}' is not an http:// URL, e.g. \"http://127.0.0.1:5080\"");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
            throw new FormatException($"'{text}' has a path; the API is served at the root");
        if (!text.Contains($":{uri.Port}", StringComparison.Ordinal))
            throw new FormatException($"'{text}' has no port, e.g. \"http://127.0.0.1:5080\"");
        if (uri.IsLoopback && uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (uri.Port == 0) throw new FormatException("port 0 needs an IP address, e.g. \"http://127.0.0.1:0\"");
            return (text, null, uri.Port);
        }
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
            throw new FormatException($"'{uri.Host}' is neither an IP address nor localhost");
        return (text, address, uri.Port);
    }

    // Names (not addresses: any IP the request arrived on is accepted) under which the API may be reached besides localhost.
    private static IReadOnlyList<string> ReadAllowedHosts(Config config)
    {
        if (!config.HasPath(AllowedHostsKey)) return [];
        IList<string> hosts;
        try
        {
            hosts = config.GetStringList(AllowedHostsKey);
        }
        catch (Exception e) when (e is ConfigurationException or InvalidCastException or FormatException)
        {
            throw new PolicyConfigurationException(AllowedHostsKey, $"must be a list of host names, e.g. [\"node1.example\"]: {e.Message}");
        }
        foreach (var host in hosts)
        {
            if (Uri.CheckHostName(host) != UriHostNameType.Dns)
                throw new PolicyConfigurationException(AllowedHostsKey, $"'{host}' is not a host name (no scheme, port or path; IP addresses need no entry)");
        }
        return hosts.ToList();
    }

    private static T Read<T>(Config config, string key, string fallback, Func<string, T> parse)
    {
        string text;
        try
        {
            text = config.HasPath(key) ? config.GetString(key)?.Trim() ?? fallback : fallback;
        }
        catch (Exception e) when (e is ConfigurationException or InvalidCastException or FormatException)
        {
            throw new PolicyConfigurationException(key, $"must be a single value: {e.Message}");
        }
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or ArgumentException or OverflowException)
        {
            throw new PolicyConfigurationException(key, $"invalid value '{text}': {e.Message}");
        }
    }
}
