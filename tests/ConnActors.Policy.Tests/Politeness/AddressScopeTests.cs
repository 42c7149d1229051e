using System.Net;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Politeness;

namespace ConnActors.Policy.Tests.Politeness;

public class AddressScopeTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressReach.Public)]
    [InlineData("203.0.113.7", AddressReach.Public)]
    [InlineData("172.15.255.255", AddressReach.Public)]
    [InlineData("172.32.0.1", AddressReach.Public)]
    [InlineData("100.63.255.255", AddressReach.Public)]
    [InlineData("127.0.0.1", AddressReach.Loopback)]
    [InlineData("127.255.0.9", AddressReach.Loopback)]
    [InlineData("10.1.2.3", AddressReach.Private)]
    [InlineData("172.16.0.1", AddressReach.Private)]
    [InlineData("172.31.255.254", AddressReach.Private)]
    [InlineData("192.168.0.1", AddressReach.Private)]
    [InlineData("100.64.0.1", AddressReach.Private)]
    [InlineData("100.127.255.255", AddressReach.Private)]
    [InlineData("169.254.1.1", AddressReach.Private)]
    [InlineData("0.0.0.0", AddressReach.None)]
    [InlineData("224.0.0.1", AddressReach.None)]
    [InlineData("255.255.255.255", AddressReach.None)]
    [InlineData("::1", AddressReach.Loopback)]
    [InlineData("::", AddressReach.None)]
    [InlineData("ff02::1", AddressReach.None)]
    [InlineData("fc00::1", AddressReach.Private)]
    [InlineData("fdff::1", AddressReach.Private)]
    [InlineData("fe80::1", AddressReach.Private)]
    [InlineData("febf::1", AddressReach.Private)]
    [InlineData("fec0::1", AddressReach.Public)]
    [InlineData("2001:db8::1", AddressReach.Public)]
    [InlineData("::ffff:192.168.1.1", AddressReach.Private)]
    [InlineData("::ffff:127.0.0.1", AddressReach.Loopback)]
    public void Each_address_has_its_reach(string address, AddressReach reach) =>
        Assert.Equal(reach, AddressScope.Of(RemoteAddress.From(IPAddress.Parse(address))));

    [Theory]
    [InlineData(AddressReach.Public, AddressReach.Public, true)]
    [InlineData(AddressReach.Public, AddressReach.Private, false)]
    [InlineData(AddressReach.Public, AddressReach.Loopback, false)]
    [InlineData(AddressReach.Private, AddressReach.Private, true)]
    [InlineData(AddressReach.Private, AddressReach.Loopback, false)]
    [InlineData(AddressReach.Loopback, AddressReach.Loopback, true)]
    [InlineData(AddressReach.Loopback, AddressReach.Private, false)]
    [InlineData(AddressReach.Loopback, AddressReach.Public, true)]
    [InlineData(AddressReach.Loopback, AddressReach.None, false)]
    public void A_peer_may_point_at_the_internet_or_at_its_own_network_only(AddressReach sender, AddressReach target, bool may) =>
        Assert.Equal(may, AddressScope.MayPointAt(sender, target));
}
