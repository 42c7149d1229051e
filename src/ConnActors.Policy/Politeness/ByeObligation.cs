namespace ConnActors.Policy.Politeness;

/// <summary>
/// A promise made to a remote that sent a bye: no dial to <paramref name="Peer"/> before
/// <paramref name="NotBeforeMs"/>. A plain record so that the actor layer can persist it and give it
/// back with <see cref="DialBackoffTable.Restore"/> after a restart; <paramref name="NotBeforeMs"/> is
/// on the caller's clock, which must therefore survive restarts (Unix time in milliseconds).
/// </summary>
/// <param name="Peer">The peer that asked not to be dialed.</param>
/// <param name="NotBeforeMs">When the obligation ends.</param>
public readonly record struct ByeObligation(PeerKey Peer, long NotBeforeMs);
