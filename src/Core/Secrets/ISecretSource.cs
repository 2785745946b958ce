namespace HsmWallet.Core.Secrets;

/// <summary>
/// Where a password, PIN, key file or recovery key comes from (terminal, file, systemd credential,
/// environment): unlockers ask for a secret at unwrap time and never learn which source answered.
/// </summary>
public interface ISecretSource
{
    /// <summary>True when reading may prompt a person; unlocking first tries every slot without prompts.</summary>
    bool IsInteractive { get; }

    /// <summary>Reads the secret straight into a zeroing buffer, or returns null when this source has none for the request.</summary>
    SecureBuffer? TryRead(SecretRequest request);
}
