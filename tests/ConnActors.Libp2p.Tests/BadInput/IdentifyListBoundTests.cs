using ConnActors.Libp2p.Protocols;

namespace ConnActors.Libp2p.Tests.BadInput;

/// <summary>An identify message is kept for every connection: what one keeps is bounded however much it lists.</summary>
public class IdentifyListBoundTests
{
    [Fact]
    public void Listen_addresses_and_protocols_past_their_bounds_are_ignored()
    {
        var flood = new IdentifyInfo
        {
            AgentVersion = "flood",
            ListenAddresses = [.. Enumerable.Range(1, 1_000).Select(i => Multiaddr.Parse($"/ip4/10.0.{i / 250}.{i % 250}/tcp/4001"))],
            Protocols = [.. Enumerable.Range(0, 1_000).Select(i => $"/p/{i}")],
        };

        var read = IdentifyInfo.FromProtobuf(flood.ToProtobuf());

        Assert.Equal(flood.ListenAddresses.Take(IdentifyInfo.MaxListenAddresses), read.ListenAddresses);
        Assert.Equal(flood.Protocols.Take(IdentifyInfo.MaxProtocols), read.Protocols);
        Assert.Equal("flood", read.AgentVersion);
    }
}
