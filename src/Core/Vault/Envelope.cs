namespace HsmWallet.Core.Vault;

/// <summary>One AES-256-GCM ciphertext of the vault with its per-record salt, fresh IV, key commitment and tag.</summary>
internal sealed record Envelope(byte[] Salt, byte[] Iv, byte[] Commitment, byte[] Ciphertext, byte[] Tag);
