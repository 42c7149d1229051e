namespace ConnActors.Libp2p.Identity;

/// <summary>The KeyType enum of the libp2p key protobuf (peer-ids spec).</summary>
public enum KeyType
{
    Rsa = 0,
    Ed25519 = 1,
    Secp256k1 = 2,
    Ecdsa = 3,
}
