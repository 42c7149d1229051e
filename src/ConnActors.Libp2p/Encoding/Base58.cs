using System.Numerics;

namespace ConnActors.Libp2p.Encoding;

/// <summary>Base58 with the Bitcoin alphabet (multibase "base58btc").</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0) zeros++;
        // Base-58 digits, most significant last-filled: each input byte multiplies the number so far by 256 and adds
        // itself (schoolbook, no BigInteger: a peer id is encoded for every connection; docs/benchmarks.md).
        int size = (data.Length - zeros) * 138 / 100 + 1;
        Span<byte> digits = size <= 256 ? stackalloc byte[size] : new byte[size];
        digits.Clear();
        int length = 0;
        for (int i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            int used = 0;
            for (int k = size - 1; (carry != 0 || used < length) && k >= 0; k--, used++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % 58);
                carry /= 58;
            }
            length = used;
        }
        var chars = new char[zeros + length];
        chars.AsSpan(0, zeros).Fill('1');
        for (int i = 0; i < length; i++) chars[zeros + i] = Alphabet[digits[size - length + i]];
        return new string(chars);
    }

    /// <exception cref="FormatException">A character outside the alphabet.</exception>
    public static byte[] Decode(string text)
    {
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1') zeros++;
        BigInteger value = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c);
            if (digit < 0) throw new FormatException($"'{c}' is not a base58btc character");
            value = value * 58 + digit;
        }
        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[zeros + body.Length];
        body.CopyTo(result, zeros);
        return result;
    }
}
