using System.Numerics;
using ConnActors.Libp2p.Encoding;
using CsCheck;

namespace ConnActors.Libp2p.Tests.Keys;

public class Base58Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("61", "2g")]
    [InlineData("626262", "a3gV")]
    [InlineData("636363", "aPEr")]
    [InlineData("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2")]
    [InlineData("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L")]
    [InlineData("516b6fcd0f", "ABnLTmg")]
    [InlineData("bf4f89001e670274dd", "3SEo3LWLoPntC")]
    [InlineData("572e4794", "3EFU7m")]
    [InlineData("ecac89cad93923c02321", "EJDM8drfXA6uyA")]
    [InlineData("10c8511e", "Rt5zm")]
    [InlineData("00000000000000000000", "1111111111")]
    public void Encodes_the_bitcoin_test_vectors_and_decodes_them_back(string hex, string text)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(text, Base58.Encode(bytes));
        Assert.Equal(bytes, Base58.Decode(text));
    }

    [Fact]
    public void Encoding_equals_the_big_integer_definition_and_round_trips_for_any_bytes()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var text = Base58.Encode(bytes);
            Assert.Equal(ByDefinition(bytes), text);
            Assert.Equal(bytes, Base58.Decode(text));
        }, iter: 2_000);
    }

    // Base58 as defined: leading zero bytes become '1's, the rest is the big-endian number in base 58.
    private static string ByDefinition(byte[] data)
    {
        int zeros = data.TakeWhile(b => b == 0).Count();
        var value = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var digits = new List<char>();
        for (; value > 0; value /= 58) digits.Add("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[(int)(value % 58)]);
        digits.Reverse();
        return new string('1', zeros) + new string(digits.ToArray());
    }
}
