using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>Self-signed certificates written as PFX files to a temporary folder (deleted on dispose), for cluster TLS tests.</summary>
internal sealed class TestCertificates : IDisposable
{
    public const string Password = "fleet-secret";

    public TestCertificates() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "connactors-certs-" + Guid.NewGuid().ToString("N"));

    /// <summary>A new self-signed ECDSA P-256 certificate for <paramref name="name"/>, with its key, in Folder/name.pfx under <see cref="Password"/>.</summary>
    public TestCertificate Create(string name, string password = Password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string path = Path.Combine(Folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return new TestCertificate(path, certificate.Thumbprint);
    }

    /// <summary>The certificate of <paramref name="of"/> without its private key, as a PFX file.</summary>
    public string WithoutKey(TestCertificate of, string name)
    {
        using var withKey = X509CertificateLoader.LoadPkcs12FromFile(of.Path, Password);
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        string path = Path.Combine(Folder, name + ".pfx");
        File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pfx, Password));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind harms nothing
        }
    }
}

/// <summary>A PFX file and its certificate's SHA-1 thumbprint.</summary>
internal sealed record TestCertificate(string Path, string Thumbprint)
{
    /// <summary><c>connactors.cluster.tls</c> presenting this certificate and trusting <paramref name="trusted"/> too.</summary>
    public string Hocon(params TestCertificate[] trusted) =>
        $$"""
        connactors.cluster.tls {
          enabled = on
          certificate-path = "{{Path.Replace("\\", "\\\\")}}"
          certificate-password = "{{TestCertificates.Password}}"
          trusted-thumbprints = [{{string.Join(", ", trusted.Select(t => $"\"{t.Thumbprint}\""))}}]
        }
        """;
}
