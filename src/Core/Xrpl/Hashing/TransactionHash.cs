using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Hashing;

/// <summary>
/// Computes a signed transaction's id, the hash explorers and the ledger use to find it, so the
/// wallet can report and track a submission without trusting a server's word for the id.
/// </summary>
public static class TransactionHash
{
    /// <summary>Returns the id as 64 uppercase hex digits: SHA-512-half of "TXN\0" followed by the blob.</summary>
    /// <param name="signedTransactionBlob">The complete signed transaction in binary form.</param>
    public static string Compute(ReadOnlySpan<byte> signedTransactionBlob)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Span<byte> prefix = stackalloc byte[HashPrefix.Length];
        HashPrefix.Write(HashPrefix.TransactionId, prefix);
        hash.AppendData(prefix);
        hash.AppendData(signedTransactionBlob);
        Span<byte> full = stackalloc byte[SHA512.HashSizeInBytes];
        hash.GetHashAndReset(full);
        return Convert.ToHexString(full[..Sha512Half.Length]);
    }
}
