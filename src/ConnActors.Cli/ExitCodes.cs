namespace ConnActors.Cli;

/// <summary>connctl's exit codes, for scripts.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The node answered with an error (bad input, no token, not found...).</summary>
    public const int Refused = 1;

    /// <summary>Bad usage; the usage was printed.</summary>
    public const int Usage = 2;

    /// <summary>The node could not be reached.</summary>
    public const int Unreachable = 3;
}
