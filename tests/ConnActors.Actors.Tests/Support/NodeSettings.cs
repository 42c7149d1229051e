using Akka.Configuration;
using ConnActors.Actors.Configuration;

namespace ConnActors.Actors.Tests.Support;

/// <summary>Settings for test nodes: loopback on a free port, fast timers, overrides in HOCON.</summary>
internal static class NodeSettings
{
    public static ConnActorsSettings From(string overrides = "") =>
        ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString($$"""
            connactors {
              libp2p.listen = ["/ip4/127.0.0.1/tcp/0"]
              regulation.interval = 100ms
              regulation.grace-period = 0s
              friend-reconnect { initial = 200ms, cap = 1s }
              bye.backoff = 30s
            }
            {{overrides}}
            """));
}
