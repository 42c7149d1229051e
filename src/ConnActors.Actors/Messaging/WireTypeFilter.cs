using System.Reflection;
using System.Text.RegularExpressions;
using ConnActors.Actors.Cluster;
using Hyperion;

namespace ConnActors.Actors.Messaging;

/// <summary>
/// Which of the product's types Hyperion may build from bytes another system sent. Akka.Remote delivers to any actor
/// a sender names by path, Hyperion builds whatever type the bytes name (a serialization binding only chooses how
/// this node writes), and Akka.Remote does not authenticate a sender: without this filter, a process that reaches the
/// cluster port could hand the connection manager an operator command (a penalty, a friend, a polite shutdown). Only
/// the fleet's own messages (<see cref="FleetMessages"/>) and the product types their fields hold pass; every other type
/// of the product's assemblies is refused, and the message is dropped. Types of other assemblies (the runtime's,
/// Akka's, test harnesses') pass, under Hyperion's own list of unsafe types, which stays on. The node's Hyperion is
/// <see cref="WireHyperionSerializer"/>, which reads with this filter.
/// </summary>
public sealed partial class WireTypeFilter : ITypeFilter
{
    /// <summary>The messages that cross between fleet members.</summary>
    public static readonly IReadOnlyList<Type> FleetMessages =
    [
        typeof(FleetLoad), typeof(ShareProposal), typeof(ShareApplied), typeof(LeaseRequest), typeof(LeaseGranted),
        typeof(HandoffOffer), typeof(HandoffAnswer), typeof(SharedPenalty),
    ];

    private static readonly HashSet<string> ProductAssemblies = new(StringComparer.Ordinal)
    {
        "ConnActors.Actors", "ConnActors.Policy", "ConnActors.Libp2p", "ConnActors.Node", "ConnActors.Baselines", "ConnActors.Cli", "ConnActors.Sim",
    };

    private readonly HashSet<string> _allowed;

    /// <summary>The fleet's messages and the product types their fields hold.</summary>
    public static WireTypeFilter Fleet { get; } = new(FleetMessages);

    public WireTypeFilter(IEnumerable<Type> messages)
    {
        var allowed = new HashSet<Type>();
        foreach (var type in messages) Collect(type, allowed);
        _allowed = allowed.Select(t => t.FullName!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether <paramref name="typeName"/> (assembly-qualified, as Hyperion reads it from the bytes) may be built: a type
    /// of the product's assemblies only if allowed, generic arguments included.
    /// </summary>
    public bool IsAllowed(string typeName)
    {
        foreach (Match name in QualifiedName().Matches(typeName))
        {
            string assembly = name.Groups["assembly"].Value.Trim();
            if (ProductAssemblies.Contains(assembly) && !_allowed.Contains(name.Groups["type"].Value.Trim())) return false;
        }
        return true;
    }

    // "Type, Assembly" at any depth of a generic type's brackets; the assembly ends at a comma (version...) or a bracket.
    [GeneratedRegex(@"(?<type>[^\[\],]+),\s*(?<assembly>[^\[\],]+)")]
    private static partial Regex QualifiedName();

    private static void Collect(Type type, HashSet<Type> allowed)
    {
        if (type.IsArray)
        {
            Collect(type.GetElementType()!, allowed);
            return;
        }
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments()) Collect(argument, allowed);
            if (!type.IsGenericTypeDefinition) type = type.GetGenericTypeDefinition();
        }
        if (!ProductAssemblies.Contains(type.Assembly.GetName().Name!) || !allowed.Add(type)) return;
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Collect(field.FieldType, allowed);
        }
    }
}
