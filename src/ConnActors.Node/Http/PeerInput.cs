using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Node.Http;

/// <summary>Peer ids and multiaddrs from requests, checked before anything reaches the manager.</summary>
internal static class PeerInput
{
    public const int MaxTagLength = 64;

    public static (PeerId? Peer, IResult? Error) PeerId(string field, string text)
    {
        try
        {
            return (Libp2p.Identity.PeerId.Parse(text), null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return (null, ApiError.BadRequest($"'{field}' is not a peer id: {e.Message}"));
        }
    }

    /// <summary>A multiaddr that ends in /p2p/&lt;peer id&gt;, as a friend's address must.</summary>
    public static (Multiaddr? Address, IResult? Error) FriendAddress(string field, string text)
    {
        Multiaddr address;
        try
        {
            address = Multiaddr.Parse(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return (null, ApiError.BadRequest($"'{field}' is not a multiaddr: {e.Message}"));
        }
        try
        {
            if (address.PeerId is null) return (null, ApiError.BadRequest($"'{field}' must end in /p2p/<peer id>: {text}"));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            return (null, ApiError.BadRequest($"'{field}' has a bad /p2p/ peer id: {e.Message}"));
        }
        return (address, null);
    }

    public static IResult? Tag(string field, string tag) =>
        tag.Length > MaxTagLength ? ApiError.BadRequest($"'{field}' is longer than {MaxTagLength} characters") : null;
}
