namespace ConnActors.Libp2p;
