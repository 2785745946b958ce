using System.Text;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Reads $HSMWALLET_PASSWORD or $HSMWALLET_PIN: accepted for containers and CI, with a warning, because the
/// environment leaks (/proc/PID/environ, child processes) and the runtime hands it over as an unzeroable string.
/// </summary>
public sealed class EnvironmentSecretSource : ISecretSource
{
    /// <summary>The variable holding a password.</summary>
    public const string PasswordVariable = "HSMWALLET_PASSWORD";

    /// <summary>The variable holding a PIN.</summary>
    public const string PinVariable = "HSMWALLET_PIN";

    private readonly Func<string, string?> _getEnvironment;
    private readonly Action<string> _warn;

    /// <summary>Reads through the given lookup and reports each use through <paramref name="warn"/> (stderr in the CLI).</summary>
    public EnvironmentSecretSource(Action<string> warn, Func<string, string?>? getEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(warn);
        _warn = warn;
        _getEnvironment = getEnvironment ?? Environment.GetEnvironmentVariable;
    }

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var variable = request.Kind switch
        {
            SecretKind.Password => PasswordVariable,
            SecretKind.Pin => PinVariable,
            _ => null,
        };
        if (variable is null)
        {
            return null;
        }

        var value = _getEnvironment(variable);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        _warn($"warning: reading the {(request.Kind == SecretKind.Pin ? "PIN" : "password")} from ${variable}; " +
              "the environment can leak to other processes: prefer a 0600 file or a systemd credential");
        var secret = new SecureBuffer(Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, secret.Span);
        return secret;
    }
}
