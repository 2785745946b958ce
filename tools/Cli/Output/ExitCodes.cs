namespace HsmWallet.Cli.Output;

/// <summary>The exit codes scripts rely on (INTERFACES.md): one meaning each, never reused.</summary>
internal static class ExitCodes
{
    /// <summary>The operation did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The operation was refused or failed; nothing was done that was not reported.</summary>
    public const int Failed = 1;

    /// <summary>The command line or its input broke a rule; nothing was done.</summary>
    public const int BadInput = 2;
}
