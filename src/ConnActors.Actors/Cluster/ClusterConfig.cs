using Akka.Configuration;
using ConnActors.Actors.Configuration;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// The Akka HOCON of a fleet member, derived from <c>connactors.cluster</c>: the cluster provider over
/// Akka.Remote TCP, seeds, roles, the split-brain resolver (keep-majority) and in-memory distributed data
/// (the durable LMDB store is not used). With <c>connactors.cluster.tls</c> on, remoting is TLS
/// (<c>akka.ssl.tcp</c> addresses); the certificate and the pinning validator are not HOCON but the
/// <see cref="ClusterTls.Setup"/> the ActorSystem must be created with (without it, Akka refuses to start
/// remoting: HOCON has no certificate path), so that a peer is never accepted by a chain check alone.
/// </summary>
public static class ClusterConfig
{
    /// <summary><paramref name="config"/> with the cluster settings in front when the cluster is enabled, unchanged otherwise.</summary>
    public static Config Apply(Config config)
    {
        var settings = ConnActorsSettings.FromConfig(config).Cluster;
        return settings.Enabled ? Build(settings).WithFallback(config) : config;
    }

    public static Config Build(ClusterSettings settings)
    {
        string seeds = string.Join(", ", settings.SeedNodes.Select(seed =>
        {
            ClusterSettings.TryHostPort(seed, out var host, out int port);
            return Quote($"{settings.Protocol}://{ClusterSettings.SystemName}@{(host.Contains(':') ? $"[{host}]" : host)}:{port}");
        }));
        return ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              remote {
                dot-netty.tcp {
                  hostname = {{Quote(settings.Hostname)}}, port = {{settings.Port}}
                  enable-ssl = {{(settings.Tls.Enabled ? "on" : "off")}}
                  ssl { suppress-validation = off, require-mutual-authentication = on, validate-certificate-hostname = off }
                }
                log-remote-lifecycle-events = off
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{string.Join(", ", settings.Roles.Select(Quote))}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{(long)settings.StableAfter.TotalMilliseconds}}ms
                }
                failure-detector.acceptable-heartbeat-pause = {{(long)settings.HeartbeatPause.TotalMilliseconds}}ms
                run-coordinated-shutdown-when-down = on
                log-info = off
                distributed-data {
                  durable.keys = []
                  gossip-interval = 500ms
                  notify-subscribers-interval = 200ms
                }
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
