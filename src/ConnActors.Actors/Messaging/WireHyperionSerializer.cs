using Akka.Actor;
using Akka.Serialization;

namespace ConnActors.Actors.Messaging;

/// <summary>
/// Akka's Hyperion serializer (the same identifier and wire format) reading with <see cref="WireTypeFilter.Fleet"/>. A
/// subclass because Akka 1.5.73 drops a <c>HyperionSerializerSetup</c>'s type filter (its constructor discards what
/// <c>ApplySettings</c> returns), and HOCON's <c>allowed-types</c> takes exact types only (every generic list a field may
/// hold would have to be listed). Bound in reference.conf as <c>hyperion</c>.
/// </summary>
public sealed class WireHyperionSerializer(ExtendedActorSystem system) : HyperionSerializer(system, SettingsOf(system))
{
    private static HyperionSerializerSettings SettingsOf(ExtendedActorSystem system)
    {
        var section = system.Settings.Config.GetConfig("akka.actor.serialization-settings.hyperion");
        var configured = section is null || section.IsEmpty ? HyperionSerializerSettings.Default : HyperionSerializerSettings.Create(section);
        return new HyperionSerializerSettings(configured.PreserveObjectReferences, configured.VersionTolerance, configured.KnownTypesProvider,
            configured.PackageNameOverrides, configured.Surrogates, disallowUnsafeType: true, typeFilter: WireTypeFilter.Fleet);
    }
}
