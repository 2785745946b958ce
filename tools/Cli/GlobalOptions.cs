using System.CommandLine;

namespace HsmWallet.Cli;

/// <summary>Options every command accepts, defined once so their names cannot drift between verbs.</summary>
internal static class GlobalOptions
{
    /// <summary>Asks for exactly one JSON object on stdout, errors included, for scripts.</summary>
    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object on stdout, errors included.",
        Recursive = true,
    };
}
