using System.Globalization;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// Mutual TLS on the cluster port: <c>connactors.cluster.tls</c> (docs/cluster.md, "Security"). Every member
/// presents <see cref="CertificatePath"/>; a peer is accepted only if its certificate's thumbprint is this
/// member's own or one of <see cref="TrustedThumbprints"/>.
/// </summary>
public sealed record ClusterTlsSettings
{
    public bool Enabled { get; init; }

    /// <summary>A PKCS#12 (PFX) file with the member's certificate and its private key.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>The PFX file's password ("" for none).</summary>
    public string CertificatePassword { get; init; } = "";

    /// <summary>Further certificates accepted from peers: SHA-1 thumbprints, 40 upper-case hexadecimal digits.</summary>
    public IReadOnlyList<string> TrustedThumbprints { get; init; } = [];

    /// <summary>The environment variable the node reads the certificate's password from.</summary>
    public const string PasswordVariable = "CONNACTORS_CLUSTER_CERT_PASSWORD";

    internal static ClusterTlsSettings Read(HoconReader reader)
    {
        bool enabled = reader.Bool("cluster.tls.enabled");
        string path = reader.Text("cluster.tls.certificate-path");
        if (enabled && string.IsNullOrWhiteSpace(path))
            throw new PolicyConfigurationException(reader.Key("cluster.tls.certificate-path"), "cluster TLS is enabled (cluster.tls.enabled = on) but no certificate (a PFX file) is given");
        var thumbprints = reader.Strings("cluster.tls.trusted-thumbprints").Select(t =>
            TryNormalize(t, out string normal) ? normal
                : throw new PolicyConfigurationException(reader.Key("cluster.tls.trusted-thumbprints"),
                    $"'{t}' is not a certificate thumbprint (40 hexadecimal digits: the certificate's SHA-1, as `openssl x509 -noout -fingerprint -sha1` prints it, colons allowed)"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new ClusterTlsSettings
        {
            Enabled = enabled,
            CertificatePath = path,
            CertificatePassword = reader.Text("cluster.tls.certificate-password"),
            TrustedThumbprints = thumbprints,
        };
    }

    /// <summary>A thumbprint as 40 upper-case hex digits (colons and spaces between them dropped); false when it is not one.</summary>
    public static bool TryNormalize(string text, out string thumbprint)
    {
        thumbprint = string.Concat(text.Where(c => c is not (':' or ' '))).ToUpper(CultureInfo.InvariantCulture);
        return thumbprint.Length == 40 && thumbprint.All(char.IsAsciiHexDigit);
    }

    /// <summary>No password in logs or error messages.</summary>
    public override string ToString() =>
        $"ClusterTlsSettings {{ Enabled = {Enabled}, CertificatePath = {CertificatePath}, TrustedThumbprints = [{string.Join(", ", TrustedThumbprints)}] }}";
}
