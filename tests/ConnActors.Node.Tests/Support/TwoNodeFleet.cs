namespace ConnActors.Node.Tests.Support;

/// <summary>A cluster of two node processes (site "lab", budget 300), shared by the test classes of its collection; they only read it or are refused.</summary>
public sealed class TwoNodeFleet : IAsyncLifetime
{
    private NodeFleet? _fleet;

    internal NodeFleet Fleet => _fleet ?? throw new InvalidOperationException("the fleet is not started");

    internal FleetNode First => Fleet.Nodes[0];

    internal FleetNode Second => Fleet.Nodes[1];

    public async Task InitializeAsync()
    {
        _fleet = await NodeFleet.StartAsync(2);
        // The site allocator has split the budget once both hold their share: 150 each.
        await _fleet.WaitUntilAsync(async () => await First.HardCapAsync() + await Second.HardCapAsync() == _fleet.Budget,
            "the two members' hard caps adding up to the site budget", NodeFleet.FormTimeout);
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null) await _fleet.DisposeAsync();
    }
}

/// <summary>The classes sharing one <see cref="TwoNodeFleet"/>.</summary>
[CollectionDefinition(Name)]
public sealed class TwoNodeFleetCollection : ICollectionFixture<TwoNodeFleet>
{
    public const string Name = "two-node fleet";
}
