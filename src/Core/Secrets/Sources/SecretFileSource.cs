using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// A password or PIN kept in a file of mode 0600 or 0400 (`--password-file`, `--pin-file`): the way
/// scripts and services pass a secret without a terminal or the command line.
/// </summary>
public sealed class SecretFileSource : ISecretSource
{
    private readonly string _path;
    private readonly SecretKind _kind;

    /// <summary>Answers requests of one kind from one file.</summary>
    public SecretFileSource(string path, SecretKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _kind = kind;
    }

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != _kind)
        {
            return null;
        }

        if (!File.Exists(_path))
        {
            var field = _kind switch
            {
                SecretKind.Pin => "pin-file",
                SecretKind.RecoveryKey => "recovery-key-file",
                _ => "password-file",
            };
            throw new InvalidInputException(field, "names no existing file");
        }

        var secret = ProtectedFile.ReadSecret(_path);
        SecretText.StripOneTrailingNewline(secret);
        return secret;
    }
}
