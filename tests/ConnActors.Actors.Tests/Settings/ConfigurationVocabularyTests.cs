using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Store;
using ConnActors.Policy;

namespace ConnActors.Actors.Tests.Settings;

/// <summary>One vocabulary: every key of reference.conf is validated under its own name; unknown keys and syntax errors are named.</summary>
public class ConfigurationVocabularyTests
{
    private static readonly string[] Candidates = ["not-a-value", "-1", "0", "1000000000", "\"\"", "[]", "{}", "[\"not-a-multiaddr\"]"];

    // Keys no generic candidate breaks, with a value that must be refused.
    private static readonly Dictionary<string, string> Special = new(StringComparer.Ordinal)
    {
        ["connactors.persistence.data-dir"] = "\"/proc/connactors-not-a-directory/x\"",
        ["connactors.persistence.connection-string"] = "\"Data Source=x;Not A Keyword=1\"",
        ["connactors.cluster.site"] = "\"two words\"",
    };

    public static TheoryData<string> ReferenceKeys()
    {
        var data = new TheoryData<string>();
        foreach (var key in KnownKeys.Leaves(ReferenceConfig.Default)) data.Add(key);
        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceKeys))]
    public void An_invalid_value_of_any_key_is_refused_naming_that_key(string key)
    {
        // A value out of its own range is refused under its key; one that clashes with another setting may be
        // refused under that other key, but then the reason names this one.
        string shortKey = key["connactors.".Length..];
        var refusedUnderKey = new List<string>();
        foreach (var value in Special.TryGetValue(key, out var special) ? [special] : Candidates)
        {
            var error = Validate($"{key} = {value}");
            if (error is null) continue;
            Assert.True(error.Key == key || error.Reason.Contains(shortKey, StringComparison.Ordinal),
                $"{key} = {value} was refused under another key without naming it: {error.Key}: {error.Reason}");
            if (error.Key == key) refusedUnderKey.Add(value);
        }
        Assert.True(refusedUnderKey.Count > 0, $"no invalid value of {key} was refused under its own name (tried {string.Join(", ", Candidates)})");
    }

    [Theory]
    [InlineData("connactors.friends", "\"/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWKSSLhCRnFRnGND4YDFk8jhGbzvTLKNwbtqr2c57QdJev\"")]
    [InlineData("connactors.libp2p.listen", "\"/ip4/127.0.0.1/tcp/4001\"")]
    [InlineData("connactors.cluster.seed-nodes", "\"127.0.0.1:4053\"")]
    public void A_single_value_where_a_list_belongs_is_refused_naming_the_key(string key, string value)
    {
        // Akka reads a single value as an empty list: friends = "..." started a node with no friend (probe, 1 Dec 2026).
        var error = Validate($"{key} = {value}");

        Assert.NotNull(error);
        Assert.Equal(key, error.Key);
        Assert.Contains("must be a list", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_key_is_reported_with_the_closest_known_one()
    {
        var unknown = KnownKeys.Unknown(ConfigurationFactory.ParseString("connactors { limts.hard-cap = 10, quotas.myapp.reserved = \"1\", quotas.myapp.protocol = [] }"), ReferenceConfig.Default);
        Assert.Equal(
            [new UnknownKey("connactors.limts.hard-cap", "connactors.limits.hard-cap"), new UnknownKey("connactors.quotas.myapp.protocol", "connactors.quotas.myapp.protocols")],
            unknown);
    }

    [Fact]
    public void Known_keys_including_an_operators_own_subsystem_are_not_reported()
    {
        var config = ConfigurationFactory.ParseString("connactors {\n limits.hard-cap = 100\n quotas.myapp { reserved = \"1\", maximum = \"5\", protocols = [\"/my/1.0.0\"] }\n friends = []\n}");
        Assert.Empty(KnownKeys.Unknown(config, ReferenceConfig.Default));
    }

    [Theory]
    [InlineData("connactors {\n  limits {\n    hard-cap = 10 {\n  }\n}", 3, "a value cannot be followed by '{'")]
    [InlineData("connactors {\n  limits.hard-cap = 10\n", 1, "never closed")]
    [InlineData("connactors.friends = [\"a\"\n}", 2, "closes the '['")]
    [InlineData("a = \"unterminated\nb = 1", 1, "string is not closed")]
    public void A_syntax_error_says_so_with_its_line(string text, int line, string reason)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => HoconSyntax.Check(text, "override.conf"));
        Assert.Equal($"override.conf:{line}", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Every_shipped_configuration_file_is_well_formed()
    {
        var hocon = Path.Combine(RepositoryRoot, "hocon");
        foreach (var file in Directory.EnumerateFiles(hocon, "*.conf", SearchOption.AllDirectories)) HoconSyntax.Check(File.ReadAllText(file), file);
        using var reference = typeof(ReferenceConfig).Assembly.GetManifestResourceStream("ConnActors.Actors.reference.conf")!;
        HoconSyntax.Check(new StreamReader(reference).ReadToEnd(), "reference.conf");
    }

    [Fact]
    public void The_configuration_page_lists_every_key_and_no_key_that_does_not_exist()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "configuration.md"));
        var listed = System.Text.RegularExpressions.Regex.Matches(page, @"`(connactors\.[a-z0-9.<>\-]+)`").Select(m => m.Groups[1].Value).ToHashSet();
        var keys = KnownKeys.Leaves(ReferenceConfig.Default)
            .Select(k => System.Text.RegularExpressions.Regex.Replace(k, @"^connactors\.quotas\.[^.]+\.", "connactors.quotas.<name>."))
            .Select(k => System.Text.RegularExpressions.Regex.Replace(k, @"^connactors\.scoring\.signals\.[^.]+\.", "connactors.scoring.signals.<signal>."))
            .ToHashSet();
        Assert.Empty(keys.Except(listed));
        Assert.Empty(listed.Where(k => !k.StartsWith("connactors.http", StringComparison.Ordinal)).Except(keys));
    }

    private static string RepositoryRoot => Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..");

    private static PolicyConfigurationException? Validate(string hocon)
    {
        try
        {
            var config = ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(hocon));
            ConnActorsSettings.FromConfig(config);
            PersistenceConfig.Build(config);
            PeerStoreSettings.FromConfig(config);
            return null;
        }
        catch (PolicyConfigurationException e)
        {
            return e;
        }
    }
}
