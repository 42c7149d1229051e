global using ConnActors.Libp2p.Identity;
global using ConnActors.Libp2p.Multiaddress;
