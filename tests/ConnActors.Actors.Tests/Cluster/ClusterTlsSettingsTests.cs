using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Cluster.Tests.Support;
using ConnActors.Policy;
using CsCheck;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>connactors.cluster.tls: what is refused (naming the key, saying why) and what a member accepts.</summary>
public sealed class ClusterTlsSettingsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void Off_by_default_and_remoting_stays_plain_tcp()
    {
        var settings = Read("connactors.cluster.enabled = on");
        Assert.False(settings.Tls.Enabled);
        Assert.Equal("akka.tcp", settings.Protocol);
        Assert.False(ClusterConfig.Build(settings).GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Fact]
    public void Enabled_without_a_certificate_is_refused_under_certificate_path()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read("connactors.cluster.tls.enabled = on"));
        Assert.Equal("connactors.cluster.tls.certificate-path", error.Key);
        Assert.Contains("no certificate", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-hex-not-hex-not-hex-not-hex-not-hex!")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF012345678")]
    [InlineData("")]
    public void A_malformed_thumbprint_is_refused_under_trusted_thumbprints(string thumbprint)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read($"connactors.cluster.tls.trusted-thumbprints = [\"{thumbprint}\"]"));
        Assert.Equal("connactors.cluster.tls.trusted-thumbprints", error.Key);
        Assert.Contains($"'{thumbprint}' is not a certificate thumbprint", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_sha1_written_in_any_case_with_or_without_colons_is_read_as_40_upper_case_hex_digits()
    {
        Gen.Byte.Array[20].Select(Gen.Bool, Gen.Bool).Sample((bytes, lower, colons) =>
        {
            string hex = Convert.ToHexString(bytes);
            string written = colons ? string.Join(':', hex.Chunk(2).Select(c => new string(c))) : hex;
            if (lower) written = written.ToLowerInvariant();
            var settings = Read($"connactors.cluster.tls.trusted-thumbprints = [\"{written}\"]");
            return settings.Tls.TrustedThumbprints.SequenceEqual([hex]);
        });
    }

    [Fact]
    public void A_certificate_file_that_does_not_exist_is_refused_under_certificate_path()
    {
        var tls = Read($"connactors.cluster.tls {{ enabled = on, certificate-path = \"{_certificates.Folder}/missing.pfx\" }}").Tls;
        var error = Assert.Throws<PolicyConfigurationException>(() => ClusterTls.LoadCertificate(tls));
        Assert.Equal("connactors.cluster.tls.certificate-path", error.Key);
        Assert.Contains("missing.pfx' does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_refused_under_certificate_path_saying_so()
    {
        var fleet = _certificates.Create("fleet");
        var tls = Read(fleet.Hocon() + "\nconnactors.cluster.tls.certificate-password = \"wrong\"").Tls;
        var error = Assert.Throws<PolicyConfigurationException>(() => ClusterTls.LoadCertificate(tls));
        Assert.Equal("connactors.cluster.tls.certificate-path", error.Key);
        Assert.Contains("cannot be loaded as a PKCS#12 (PFX) file", error.Reason, StringComparison.Ordinal);
        Assert.Contains("password", error.Reason[error.Reason.IndexOf(": ", StringComparison.Ordinal)..], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_pfx_is_refused_under_certificate_path()
    {
        string path = Path.Combine(_certificates.Folder, "garbage.pfx");
        File.WriteAllText(path, "not a certificate");
        var tls = Read($"connactors.cluster.tls {{ enabled = on, certificate-path = \"{path}\" }}").Tls;
        var error = Assert.Throws<PolicyConfigurationException>(() => ClusterTls.LoadCertificate(tls));
        Assert.Equal("connactors.cluster.tls.certificate-path", error.Key);
        Assert.Contains("cannot be loaded as a PKCS#12 (PFX) file", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused_under_certificate_path()
    {
        string path = _certificates.WithoutKey(_certificates.Create("fleet"), "public-only");
        var tls = Read($"connactors.cluster.tls {{ enabled = on, certificate-path = \"{path}\", certificate-password = \"{TestCertificates.Password}\" }}").Tls;
        var error = Assert.Throws<PolicyConfigurationException>(() => ClusterTls.LoadCertificate(tls));
        Assert.Equal("connactors.cluster.tls.certificate-path", error.Key);
        Assert.Contains("holds no private key", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_is_not_in_the_settings_text()
    {
        var fleet = _certificates.Create("fleet");
        Assert.DoesNotContain(TestCertificates.Password, Read(fleet.Hocon()).Tls.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_pins_its_own_certificate_and_the_trusted_ones_and_nothing_else()
    {
        var fleet = _certificates.Create("fleet");
        var next = _certificates.Create("next");
        var stranger = _certificates.Create("stranger");
        var settings = Read(fleet.Hocon(next));
        using var own = ClusterTls.LoadCertificate(settings.Tls);
        var setup = ClusterTls.Setup(own, settings.Tls);

        Assert.Equal([fleet.Thumbprint, next.Thumbprint], ClusterTls.Pins(own, settings.Tls));
        Assert.True(setup.RequireMutualAuthentication);
        Assert.False(setup.ValidateCertificateHostname);
        Assert.NotNull(setup.CustomValidator);
        Assert.True(Accepts(setup, fleet));
        Assert.True(Accepts(setup, next));
        Assert.False(Accepts(setup, stranger));
    }

    [Fact]
    public void With_tls_remoting_is_ssl_and_seeds_are_addressed_as_ssl()
    {
        var fleet = _certificates.Create("fleet");
        var settings = Read(fleet.Hocon() + "\nconnactors.cluster { enabled = on, seed-nodes = [\"10.0.0.5:4053\"] }");
        var akka = ClusterConfig.Build(settings);

        Assert.Equal("akka.ssl.tcp", settings.Protocol);
        Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
        Assert.False(akka.GetBoolean("akka.remote.dot-netty.tcp.ssl.validate-certificate-hostname"));
        // No certificate in HOCON: without the pinning setup Akka cannot start TLS remoting at all.
        Assert.False(akka.HasPath("akka.remote.dot-netty.tcp.ssl.certificate.path"));
        Assert.Equal(["akka.ssl.tcp://connactors@10.0.0.5:4053"], akka.GetStringList("akka.cluster.seed-nodes"));
    }

    // Whether the setup's validator lets in a peer presenting <paramref name="peer"/>, with the chain errors a self-signed certificate has.
    private static bool Accepts(DotNettySslSetup setup, TestCertificate peer)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(peer.Path, TestCertificates.Password);
        return setup.CustomValidator!(certificate, null, "test-peer", System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, Akka.Event.NoLogger.Instance);
    }

    private static ClusterSettings Read(string hocon) =>
        ConnActorsSettings.FromConfig(ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(hocon))).Cluster;
}
