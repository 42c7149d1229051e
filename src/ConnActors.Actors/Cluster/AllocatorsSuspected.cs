namespace ConnActors.Actors.Cluster;

/// <summary>
/// From a member's Negotiator to its own site allocator (local only, never sent between nodes): the allocators the
/// Negotiator suspects of silence (<see cref="Policy.Fleet.AllocatorWatch"/>), which both leave out of their election.
/// </summary>
internal sealed record AllocatorsSuspected(IReadOnlyList<string> Allocators);
