using ConnActors.Policy;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Configuration;

/// <summary>A subsystem to enroll: its budget and the stream protocols that belong to it.</summary>
public sealed record QuotaDefinition(string Name, QuotaAmount Reserved, QuotaAmount Maximum, IReadOnlyList<string> Protocols)
{
    internal static IReadOnlyList<QuotaDefinition> ReadAll(HoconReader reader, ConnectionLimits limits)
    {
        var quotas = reader.Section("quotas");
        var result = new List<QuotaDefinition>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        int capacity = limits.HardCap - limits.FriendReserve;
        int reservedTotal = 0;
        foreach (var name in quotas.ChildNames())
        {
            var section = quotas.Section(name);
            var reserved = QuotaAmount.Parse(section.String("reserved"), section.Key("reserved"));
            var maximum = QuotaAmount.Parse(section.String("maximum"), section.Key("maximum"));
            if (reserved.Resolve(capacity) > maximum.Resolve(capacity))
                throw new PolicyConfigurationException(section.Key("reserved"), $"{reserved} is more than {section.Key("maximum")} ({maximum})");
            reservedTotal += reserved.Resolve(capacity);
            if (reservedTotal > capacity)
                throw new PolicyConfigurationException(section.Key("reserved"),
                    $"reservations add up to {reservedTotal} slots, over the {capacity} the limits allow (hard cap less friend reserve)");
            var protocols = section.Strings("protocols");
            foreach (var protocol in protocols)
            {
                // multistream-select protocol ids are paths: "/name/version", one line.
                if (protocol.Length is 0 or > 256 || protocol[0] != '/' || protocol.Any(char.IsWhiteSpace))
                    throw new PolicyConfigurationException(section.Key("protocols"), $"'{protocol}' is not a protocol id like /name/1.0.0");
            }
            foreach (var protocol in protocols)
            {
                if (!owners.TryAdd(protocol, name))
                    throw new PolicyConfigurationException(section.Key("protocols"), $"'{protocol}' already belongs to subsystem '{owners[protocol]}'");
            }
            result.Add(new QuotaDefinition(name, reserved, maximum, protocols));
        }
        if (result.Count > QuotaTable.MaxSubsystems)
            throw new PolicyConfigurationException(reader.Key("quotas"), $"at most {QuotaTable.MaxSubsystems} subsystems, got {result.Count}");
        return result;
    }
}
