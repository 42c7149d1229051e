using ConnActors.Actors.Ledger;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Tests.Ledger;

public class PeerDirectoryTests
{
    [Fact]
    public void A_peers_dialable_address_names_that_peer_whatever_id_its_announcement_carried()
    {
        var directory = new PeerDirectory();
        var peer = PrivateKey.Generate().PeerId;
        var someoneElse = PrivateKey.Generate().PeerId;
        var key = directory.KeyFor(peer);

        // What a peer's identify may say: its listen address under another peer's id. The address goes to others (a bye's
        // alternative, a handoff), who would dial "someone else" there.
        directory.SetListenAddresses(key, [Multiaddr.Parse("/ip4/203.0.113.5/tcp/4001").WithPeerId(someoneElse)]);
        Assert.Equal(Multiaddr.Parse("/ip4/203.0.113.5/tcp/4001").WithPeerId(peer), directory.DialableAddress(key));

        directory.SetListenAddresses(key, [Multiaddr.Parse("/ip4/203.0.113.6/tcp/4001")]);
        Assert.Equal(peer, directory.DialableAddress(key)!.PeerId);
    }
}
