using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Reads `$CREDENTIALS_DIRECTORY/hsmwallet-password` or `hsmwallet-pin`: systemd hands a service its
/// secrets there (LoadCredential=, LoadCredentialEncrypted=) without an environment variable.
/// </summary>
public sealed class SystemdCredentialSource : ISecretSource
{
    /// <summary>The credential name holding a password.</summary>
    public const string PasswordCredential = "hsmwallet-password";

    /// <summary>The credential name holding a PIN.</summary>
    public const string PinCredential = "hsmwallet-pin";

    private readonly string? _directory;

    /// <summary>Uses the given credentials directory (normally the value of $CREDENTIALS_DIRECTORY).</summary>
    public SystemdCredentialSource(string? credentialsDirectory) => _directory = credentialsDirectory;

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <summary>Builds the source from the process environment; it answers nothing when systemd set no directory.</summary>
    public static SystemdCredentialSource FromEnvironment(Func<string, string?>? getEnvironment = null) =>
        new((getEnvironment ?? Environment.GetEnvironmentVariable)("CREDENTIALS_DIRECTORY"));

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(_directory))
        {
            return null;
        }

        var name = request.Kind switch
        {
            SecretKind.Password => PasswordCredential,
            SecretKind.Pin => PinCredential,
            _ => null,
        };
        if (name is null)
        {
            return null;
        }

        var path = Path.Combine(_directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        // systemd keeps the file root's and grants the service user read access by an ACL (mode 0440 in stat),
        // or gives the file to the service user where the file system has no ACLs.
        var secret = ProtectedFile.ReadCredential(path);
        SecretText.StripOneTrailingNewline(secret);
        return secret;
    }
}
