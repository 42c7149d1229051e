using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;
using ConnActors.Policy;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// Mutual TLS on the cluster port with certificate pinning (docs/cluster.md, "Security"): the member's
/// certificate, and the Akka.Remote setup that presents it and accepts a peer only by thumbprint. The peer
/// certificate's chain is not checked against the operating system's store (a self-signed fleet certificate
/// is the intended use), nor its host name (members are often addressed by IP), nor its validity period:
/// the pin alone decides.
/// </summary>
public static class ClusterTls
{
    private const string PathKey = "connactors.cluster.tls.certificate-path";

    /// <summary>The member's certificate with its private key, from <see cref="ClusterTlsSettings.CertificatePath"/>; errors name the key.</summary>
    public static X509Certificate2 LoadCertificate(ClusterTlsSettings settings)
    {
        string path = settings.CertificatePath;
        if (!File.Exists(path)) throw new PolicyConfigurationException(PathKey, $"the certificate file '{path}' does not exist");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword.Length == 0 ? null : settings.CertificatePassword);
        }
        catch (CryptographicException e)
        {
            throw new PolicyConfigurationException(PathKey,
                $"'{path}' cannot be loaded as a PKCS#12 (PFX) file with the password of connactors.cluster.tls.certificate-password (or {ClusterTlsSettings.PasswordVariable}): {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyConfigurationException(PathKey, $"'{path}' cannot be read: {e.Message}");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new PolicyConfigurationException(PathKey, $"'{path}' holds no private key: a member must be able to prove the certificate is its own");
        }
        return certificate;
    }

    /// <summary>The thumbprints a member accepts: its own certificate's and the trusted ones.</summary>
    public static IReadOnlyList<string> Pins(X509Certificate2 own, ClusterTlsSettings settings) =>
        new[] { own.Thumbprint.ToUpperInvariant() }.Concat(settings.TrustedThumbprints).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The remoting setup of a member: present <paramref name="own"/>, require the peer's certificate both ways
    /// (a connecting peer must present one too), accept it only by pin. A refused peer is logged by Akka at
    /// error level ("Certificate pinning failed for ...: thumbprint '...' not in allowed list").
    /// </summary>
    public static DotNettySslSetup Setup(X509Certificate2 own, ClusterTlsSettings settings) =>
        new(own,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: CertificateValidation.PinnedCertificate([.. Pins(own, settings)]));
}
