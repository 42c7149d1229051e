using System.CommandLine.Parsing;
using System.Globalization;

namespace ConnActors.Cli.Palettes;

/// <summary>
/// Parsers for arguments and options that must be positive numbers. A validator that read the value after
/// System.CommandLine failed to convert it threw (connctl died with an unhandled exception on <c>penalty P abc</c> and
/// <c>tail --count abc</c>); a parser reports both kinds of bad input as a usage error (exit code 2).
/// </summary>
internal static class PositiveNumber
{
    public static double Double(ArgumentResult result, string name)
    {
        string? text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)) return value;
        result.AddError($"{name} must be a positive number, not '{text}'");
        return 0;
    }

    public static int Int(ArgumentResult result, string name)
    {
        string? text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0) return value;
        result.AddError($"{name} must be a positive number, not '{text}'");
        return 0;
    }
}
