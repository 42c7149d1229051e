using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Transport;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

/// <summary>Turns a raw TCP connection into a secured, multiplexed one: multistream, Noise, hook, multistream, yamux.</summary>
internal sealed class ConnectionUpgrader(HostOptions options)
{
    private readonly NoiseStaticKey _staticKey = NoiseStaticKey.Create(options.Identity);

    /// <exception cref="HandshakeFailedException">With the stage and reason.</exception>
    public async Task<NoiseSecureStream> UpgradeAsync(TcpConnection tcp, ConnectionId id, ConnectionDirection direction, PeerId? expected, CancellationToken cancel)
    {
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        handshake.CancelAfter(options.HandshakeTimeout);
        var ct = handshake.Token;
        var outbound = direction == ConnectionDirection.Outbound;
        var stage = "waiting for the first byte";
        try
        {
            if (!outbound)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                idle.CancelAfter(options.IdleBeforeHandshakeTimeout);
                try
                {
                    await tcp.WaitForDataAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new HandshakeFailedException($"idle: no byte within {options.IdleBeforeHandshakeTimeout.TotalSeconds:0.###} s of accept");
                }
            }
            stage = "security negotiation (multistream)";
            await NegotiateAsync(tcp.Stream, outbound, NoiseHandshake.ProtocolId, ct).ConfigureAwait(false);
            stage = "noise handshake";
            var secure = await NoiseHandshake.RunAsync(tcp.Stream, outbound, _staticKey, expected, ct).ConfigureAwait(false);
            try
            {
                // Both ends of a connection to itself (an address of its own under no or its own /p2p/) would count it twice.
                if (secure.RemotePeer.Equals(options.Identity.PeerId))
                    throw new HandshakeFailedException("the remote is this host itself (its own peer id)");
                stage = "gate after security";
                var decision = await options.Gate.AfterSecurityAsync(id, secure.RemotePeer, tcp.RemoteAddress, direction).ConfigureAwait(false);
                if (!decision.Allowed) throw new HandshakeFailedException($"refused after security: {decision.Reason}");
                stage = "muxer negotiation (multistream)";
                await NegotiateAsync(secure, outbound, YamuxOptions.ProtocolId, ct).ConfigureAwait(false);
                return secure;
            }
            catch
            {
                await secure.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (HandshakeFailedException) { throw; }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new HandshakeFailedException($"handshake timed out after {options.HandshakeTimeout.TotalSeconds:0.###} s during {stage}");
        }
        catch (OperationCanceledException e)
        {
            throw new HandshakeFailedException("cancelled (host stopping, attempt aborted or dial cancelled)", e);
        }
        catch (Exception e) when (e is IOException or FormatException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            throw new HandshakeFailedException($"{stage} failed: {e.Message}", e);
        }
    }

    private static async Task NegotiateAsync(Stream stream, bool outbound, string protocol, CancellationToken ct)
    {
        if (outbound) await MultistreamSelect.SelectAsync(stream, [protocol], ct).ConfigureAwait(false);
        else await MultistreamSelect.ListenAsync(stream, p => p == protocol, ct).ConfigureAwait(false);
    }
}
