using HsmWallet.Core;

namespace HsmWallet.Cli.Output;

/// <summary>
/// Core names the field a rule is about (network, rpc_url, signing_for); the operator typed flags, so the CLI's
/// messages name the flag instead: the field that leads the message and any "(field)" the rule refers to.
/// </summary>
internal static class CliFlags
{
    private static readonly (string Field, string Flag)[] Flags =
    [
        ("network", "--network"),
        ("rpc_url", "--rpc-url"),
        ("home", "--home"),
        ("signing_for", "--signer-account"),
        ("password_file", "--password-file"),
        ("pin_file", "--pin-file"),
        ("key_file", "--key-file"),
        ("recovery_key_file", "--recovery-key-file"),
        ("kdf_memory", "--kdf-memory"),
        ("kdf_iterations", "--kdf-iterations"),
        ("kdf_parallelism", "--kdf-parallelism"),
        ("unlocker", "--unlocker"),
        ("module", "--module"),
        ("mode", "--mode"),
        ("pcrs", "--pcrs"),
        ("out", "--out"),
        ("key_type", "--key-type"),
        ("reason", "--reason"),
    ];

    /// <summary>The message of <paramref name="error"/> in the CLI's words.</summary>
    public static string Message(InvalidInputException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var field = Flags.FirstOrDefault(pair => pair.Field == error.Field).Flag ?? error.Field;
        return $"{field}: {References(error.Rule)}";
    }

    /// <summary>Any message with each "(field)" reference turned into the CLI's "(--flag)".</summary>
    public static string References(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (name, flag) in Flags)
        {
            message = message.Replace($"({name})", $"({flag})", StringComparison.Ordinal);
        }

        return message;
    }
}
