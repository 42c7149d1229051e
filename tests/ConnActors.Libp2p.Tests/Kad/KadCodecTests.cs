using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Multiaddress;
using Google.Protobuf;

namespace ConnActors.Libp2p.Tests.Kad;

public class KadCodecTests
{
    private static readonly KadLimits Limits = new() { MaxMessageSize = 4096, MaxPeersPerMessage = 3, MaxAddressesPerPeer = 2 };

    [Fact]
    public async Task A_message_round_trips_with_a_varint_length_prefix()
    {
        var peer = KadPeers.Peer(new Random(1));
        var message = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(peer.Id.Bytes) };
        message.CloserPeers.Add(peer.ToProto());
        var stream = new MemoryStream();
        await KadCodec.WriteAsync(stream, message, default);
        var bytes = stream.ToArray();
        Assert.Equal((ulong)(bytes.Length - Varint.SizeOf((ulong)message.CalculateSize())), Varint.Read(bytes, out _));
        stream.Position = 0;
        var back = await KadCodec.ReadAsync(stream, Limits, default);
        Assert.Equal(message, back);
        Assert.Equal(peer.Addresses, KadPeer.FromProto(back!.CloserPeers[0], new KadLimits { MaxAddressesPerPeer = 2 }).Addresses);
        Assert.Null(await KadCodec.ReadAsync(stream, Limits, default));
    }

    [Theory]
    [InlineData("oversized", "exceeds the limit of 4096")]
    [InlineData("not protobuf", "malformed protobuf")]
    [InlineData("unknown type", "unknown message type 9")]
    [InlineData("too many peers", "4 peer entries in one message, more than the limit of 3")]
    [InlineData("truncated", "stream ended inside a message")]
    [InlineData("truncated prefix", "stream ended inside a length prefix")]
    public async Task Bad_messages_are_refused_with_a_reason(string kind, string reason)
    {
        byte[] frame = kind switch
        {
            "oversized" => [.. Varint.Encode(1_000_000), 1, 2, 3],
            "not protobuf" => [3, 0xFF, 0xFF, 0xFF],
            "unknown type" => [2, 0x08, 9],
            "too many peers" => Framed(ManyPeers(4)),
            "truncated prefix" => [0x80, 0x80],
            _ => [10, 0x08],
        };
        var e = await Assert.ThrowsAsync<KadProtocolException>(() => KadCodec.ReadAsync(new MemoryStream(frame), Limits, default));
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Closer_peers_with_malformed_addresses_are_bad_input_but_unknown_protocols_are_skipped()
    {
        var peer = KadPeers.Peer(new Random(2));
        var entry = peer.ToProto();
        entry.Addrs.Add(ByteString.CopyFrom([.. Varint.Encode(0x1d1), 0])); // an unknown protocol code: skipped
        Assert.Equal(peer.Addresses, KadPeer.FromProto(entry, new KadLimits { MaxAddressesPerPeer = 2 }).Addresses);

        entry.Addrs.Add(ByteString.CopyFrom([4, 127, 0])); // /ip4 with 2 of its 4 bytes
        Assert.Contains("more than the limit of 2", Assert.Throws<KadProtocolException>(() => KadPeer.FromProto(entry, new KadLimits { MaxAddressesPerPeer = 2 })).Reason);
        Assert.Contains("malformed address", Assert.Throws<KadProtocolException>(() => KadPeer.FromProto(entry, new KadLimits { MaxAddressesPerPeer = 3 })).Reason);
        entry.Id = ByteString.CopyFrom([1, 2, 3]);
        Assert.Contains("malformed id", Assert.Throws<KadProtocolException>(() => KadPeer.FromProto(entry, new KadLimits { MaxAddressesPerPeer = 3 })).Reason);
    }

    [Fact]
    public void A_peer_entry_is_bad_input_past_its_bytes_of_addresses_however_few_addresses_it_has()
    {
        var peer = KadPeers.Peer(new Random(3));
        var entry = new Message.Types.Peer { Id = ByteString.CopyFrom(peer.Id.Bytes) };
        // Two addresses with /dns4 names of 253 bytes (the longest DNS name).
        foreach (char c in "ab") entry.Addrs.Add(ByteString.CopyFrom(Multiaddr.Parse($"/dns4/{new string(c, 253)}/tcp/4001").ToBytes()));
        int bytes = entry.Addrs.Sum(a => a.Length);
        Assert.Equal(2, KadPeer.FromProto(entry, new KadLimits { MaxAddressBytesPerPeer = bytes }).Addresses.Count);
        var e = Assert.Throws<KadProtocolException>(() => KadPeer.FromProto(entry, new KadLimits { MaxAddressBytesPerPeer = bytes - 1 }));
        Assert.Contains($"{bytes} bytes of addresses, more than the limit of {bytes - 1}", e.Reason);
    }

    private static Message ManyPeers(int count)
    {
        var message = new Message { Type = Message.Types.MessageType.FindNode };
        var random = new Random(3);
        for (int i = 0; i < count; i++) message.CloserPeers.Add(KadPeers.Peer(random).ToProto());
        return message;
    }

    private static byte[] Framed(Message message) => [.. Varint.Encode((ulong)message.CalculateSize()), .. message.ToByteArray()];
}
