using ConnActors.Libp2p.Streams;
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// The encrypted channel after the handshake. One reader and one writer at a time (callers serialize);
/// buffers are rented per frame so an idle connection holds none.
/// </summary>
public sealed class NoiseSecureStream : AsyncDuplexStream
{
    public const int MaxPlaintext = NoiseFraming.MaxFrameLength - CipherState.TagSize;

    private readonly Stream _inner;
    private readonly CipherState _send;
    private readonly CipherState _receive;
    private readonly byte[] _lengthPrefix = new byte[2];
    private byte[]? _plain;
    private int _plainStart;
    private int _plainEnd;

    internal NoiseSecureStream(Stream inner, CipherState send, CipherState receive, PublicKey remoteKey)
    {
        _inner = inner;
        _send = send;
        _receive = receive;
        RemotePublicKey = remoteKey;
        RemotePeer = remoteKey.ToPeerId();
    }

    public PublicKey RemotePublicKey { get; }

    public PeerId RemotePeer { get; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        while (_plain is null)
        {
            if (!await ReadFrameAsync(ct).ConfigureAwait(false)) return 0;
        }
        var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer.Span);
        _plainStart += n;
        if (_plainStart == _plainEnd)
        {
            ArrayPool<byte>.Shared.Return(_plain);
            _plain = null;
        }
        return n;
    }

    private async ValueTask<bool> ReadFrameAsync(CancellationToken ct)
    {
        var got = await _inner.ReadAtLeastAsync(_lengthPrefix, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0) return false;
        if (got < 2) throw new NoiseException("connection ended inside a noise frame length");
        var length = BinaryPrimitives.ReadUInt16BigEndian(_lengthPrefix);
        if (length < CipherState.TagSize) throw new NoiseException($"noise frame of {length} bytes is shorter than its tag");
        var frame = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await _inner.ReadAtLeastAsync(frame.AsMemory(0, length), length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read < length) throw new NoiseException($"connection ended inside a noise frame ({read} of {length} bytes)");
            _receive.Decrypt([], frame.AsSpan(0, length), frame.AsSpan(0, length - CipherState.TagSize));
        }
        catch (CryptographicException e)
        {
            ArrayPool<byte>.Shared.Return(frame);
            throw new NoiseException("noise frame failed authentication", e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(frame);
            throw;
        }
        if (length == CipherState.TagSize)
        {
            ArrayPool<byte>.Shared.Return(frame);
            return true;
        }
        (_plain, _plainStart, _plainEnd) = (frame, 0, length - CipherState.TagSize);
        return true;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        while (buffer.Length > 0)
        {
            var chunk = Math.Min(buffer.Length, MaxPlaintext);
            var size = 2 + chunk + CipherState.TagSize;
            var frame = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(chunk + CipherState.TagSize));
                _send.Encrypt([], buffer.Span[..chunk], frame.AsSpan(2, chunk + CipherState.TagSize));
                await _inner.WriteAsync(frame.AsMemory(0, size), ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
            buffer = buffer[chunk..];
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _send.Dispose();
            _receive.Dispose();
            if (_plain is not null) ArrayPool<byte>.Shared.Return(_plain);
            _plain = null;
        }
        base.Dispose(disposing);
    }
}
