namespace HsmWallet.Core.Vault;

/// <summary>
/// Receives a wallet's secret (seed or private key bytes) for the length of one call; the bytes are zeroed
/// when it returns, so the handler must copy nothing out.
/// </summary>
public delegate T WalletSecretHandler<out T>(ReadOnlySpan<byte> secret, WalletInfo wallet);

/// <summary>Receives one vault-held secret setting (e.g. the audit HMAC key) for the length of one call.</summary>
public delegate T SettingHandler<out T>(ReadOnlySpan<byte> value);
