namespace ConnActors.Libp2p.Kad;

/// <summary>A peer sent a Kad-DHT message that breaks the protocol or our limits; the message says which.</summary>
public sealed class KadProtocolException(string reason, Exception? inner = null) : IOException(reason, inner)
{
    public string Reason => Message;
}
