using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Multiaddress;
using Google.Protobuf;

namespace ConnActors.Libp2p.Kad;

/// <summary>A peer as the DHT knows it: its id, its position in the keyspace and its addresses (without /p2p).</summary>
public sealed class KadPeer : IEquatable<KadPeer>
{
    public KadPeer(PeerId id, IReadOnlyList<Multiaddr> addresses)
    {
        Id = id;
        Key = KadKey.FromPeer(id);
        Addresses = addresses;
    }

    public PeerId Id { get; }

    public KadKey Key { get; }

    public IReadOnlyList<Multiaddr> Addresses { get; }

    /// <summary>This peer with <paramref name="addresses"/> instead (the newer list wins when it has any).</summary>
    public KadPeer WithAddresses(IReadOnlyList<Multiaddr> addresses) => addresses.Count == 0 ? this : new KadPeer(Id, addresses);

    /// <summary>The wire form; addresses go without their /p2p suffix, as go and js send them.</summary>
    public Message.Types.Peer ToProto(Message.Types.ConnectionType connection = Message.Types.ConnectionType.NotConnected)
    {
        var peer = new Message.Types.Peer { Id = ByteString.CopyFrom(Id.Bytes), Connection = connection };
        foreach (var address in Addresses) peer.Addrs.Add(ByteString.CopyFrom(address.WithoutPeerId().ToBytes()));
        return peer;
    }

    /// <summary>
    /// Reads a peer entry. Addresses of protocols this node does not know (quic, webtransport...) are
    /// skipped; a malformed id or address, more than <see cref="KadLimits.MaxAddressesPerPeer"/> addresses or more than
    /// <see cref="KadLimits.MaxAddressBytesPerPeer"/> bytes of them is bad input.
    /// </summary>
    /// <exception cref="KadProtocolException">The entry is malformed.</exception>
    public static KadPeer FromProto(Message.Types.Peer peer, KadLimits limits)
    {
        int maxAddresses = limits.MaxAddressesPerPeer;
        PeerId id;
        try
        {
            id = PeerId.FromBytes(peer.Id.Span);
        }
        catch (FormatException e)
        {
            throw new KadProtocolException($"peer entry with a malformed id: {e.Message}", e);
        }
        if (peer.Addrs.Count > maxAddresses)
            throw new KadProtocolException($"peer entry {id} carries {peer.Addrs.Count} addresses, more than the limit of {maxAddresses}");
        int addressBytes = peer.Addrs.Sum(a => a.Length);
        if (addressBytes > limits.MaxAddressBytesPerPeer)
            throw new KadProtocolException($"peer entry {id} carries {addressBytes} bytes of addresses, more than the limit of {limits.MaxAddressBytesPerPeer}");
        var addresses = new List<Multiaddr>(peer.Addrs.Count);
        foreach (var bytes in peer.Addrs)
        {
            Multiaddr address;
            try
            {
                address = Multiaddr.FromBytes(bytes.Span);
            }
            catch (MultiaddrFormatException e) when (e.UnknownProtocol)
            {
                continue;
            }
            catch (MultiaddrFormatException e)
            {
                throw new KadProtocolException($"peer entry {id} has a malformed address: {e.Message}", e);
            }
            if (address.PeerId is { } named && !named.Equals(id))
                throw new KadProtocolException($"peer entry {id} has an address of another peer: {address}");
            var plain = address.WithoutPeerId();
            if (!addresses.Contains(plain)) addresses.Add(plain);
        }
        return new KadPeer(id, addresses);
    }

    public bool Equals(KadPeer? other) => other is not null && Id.Equals(other.Id);

    public override bool Equals(object? obj) => obj is KadPeer other && Equals(other);

    public override int GetHashCode() => Id.GetHashCode();

    public override string ToString() => Id.ToString();
}
