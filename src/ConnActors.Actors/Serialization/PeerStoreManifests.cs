namespace ConnActors.Actors.Serialization;

/// <summary>
/// The manifests of everything the peer store persists. A manifest names one payload layout forever: a change
/// that old readers could not understand gets a new manifest (".v2"), and the old one stays readable.
/// </summary>
public static class PeerStoreManifests
{
    public const string FriendAdded = "friend-added.v1";
    public const string FriendRemoved = "friend-removed.v1";
    public const string PeerProtected = "peer-protected.v1";
    public const string PeerUnprotected = "peer-unprotected.v1";
    public const string ByeObligationRecorded = "bye-obligation-recorded.v1";
    public const string PenaltyRecorded = "penalty-recorded.v1";
    public const string Snapshot = "peer-store-snapshot.v1";

    /// <summary>Every manifest this version reads.</summary>
    public static IReadOnlyList<string> All { get; } =
        [FriendAdded, FriendRemoved, PeerProtected, PeerUnprotected, ByeObligationRecorded, PenaltyRecorded, Snapshot];
}
