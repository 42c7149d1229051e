using System.Net;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Tests.Addressing;


public class MultiaddrTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/4001", "047f000001060fa1")]
    [InlineData("/ip6/::1/tcp/80", "29000000000000000000000000000000010600" + "50")]
    [InlineData("/dns4/example.com/tcp/443", "360b6578616d706c652e636f6d0601bb")]
    [InlineData("/dns/a.b/tcp/1", "3503612e62060001")]
    [InlineData("/dns6/x/tcp/2", "370178060002")]
    [InlineData("/ip4/1.2.3.4/tcp/1/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
        "0401020304060001a503260024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")]
    public void Text_and_binary_forms_agree(string text, string hex)
    {
        var fromText = Multiaddr.Parse(text);
        Assert.Equal(hex, Convert.ToHexStringLower(fromText.ToBytes()));
        var fromBytes = Multiaddr.FromBytes(Convert.FromHexString(hex));
        Assert.Equal(text, fromBytes.ToString());
        Assert.Equal(fromText, fromBytes);
    }

    [Fact]
    public void Ipfs_is_an_alias_of_p2p_and_cid_peer_ids_print_as_base58()
    {
        var a = Multiaddr.Parse("/ip4/1.2.3.4/tcp/1/ipfs/bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6");
        Assert.Equal("/ip4/1.2.3.4/tcp/1/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", a.ToString());
        Assert.Equal("/ip4/1.2.3.4/tcp/1", a.WithoutPeerId().ToString());
        Assert.Equal(a, a.WithoutPeerId().WithPeerId(a.PeerId!));
    }

    [Fact]
    public void Tcp_endpoints_convert_both_ways()
    {
        var ep = new IPEndPoint(IPAddress.IPv6Loopback, 1234);
        var ma = Multiaddr.FromEndPoint(ep);
        Assert.Equal("/ip6/::1/tcp/1234", ma.ToString());
        Assert.Equal(ep, ma.ToTcpEndPoint());
        Assert.Null(Multiaddr.Parse("/dns4/a/tcp/1").ToTcpEndPoint());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ip4/1.2.3.4")]
    [InlineData("/ip4/1.2.3")]
    [InlineData("/ip4/::1")]
    [InlineData("/ip6/127.0.0.1")]
    [InlineData("/ip4/1.2.3.4/tcp")]
    [InlineData("/ip4/1.2.3.4/tcp/65536")]
    [InlineData("/ip4/1.2.3.4/tcp/-1")]
    [InlineData("/foo/1")]
    [InlineData("/p2p/notapeer")]
    [InlineData("/dns4//tcp/1")]
    public void Malformed_text_is_rejected_with_a_multiaddr_error(string text)
    {
        var e = Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Theory]
    [InlineData("04010203")]
    [InlineData("0601")]
    [InlineData("ff7f")]
    [InlineData("3605616263")]
    [InlineData("a5030400010203")]
    [InlineData("80808080808080808080808001")]
    public void Malformed_bytes_are_rejected_with_a_multiaddr_error(string hex) =>
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(Convert.FromHexString(hex)));
}
