using System.Security.Cryptography;
using System.Text;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The challenge a passkey signs for one approval: SHA-256 over the approval binding (ASCII hex) followed by the page's
/// single-use server nonce, so an assertion approves exactly one binding once and cannot be moved to other data.
/// </summary>
public static class PasskeyChallenge
{
    /// <summary>Bytes of nonce the page draws for each challenge.</summary>
    public const int NonceLength = 32;

    /// <summary>A fresh random nonce, lowercase hex.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(NonceLength));

    /// <summary>The challenge for <paramref name="binding"/> with <paramref name="nonceHex"/>; throws naming the field when the nonce is malformed.</summary>
    public static byte[] For(string binding, string nonceHex)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (nonceHex is null || nonceHex.Length != NonceLength * 2 || !nonceHex.All(char.IsAsciiHexDigitLower))
        {
            throw new ApprovalException("approval_declined", "assertion.nonce: must be " + (NonceLength * 2) + " lowercase hex digits; nothing was signed or changed");
        }

        return SHA256.HashData([.. Encoding.ASCII.GetBytes(binding), .. Convert.FromHexString(nonceHex)]);
    }
}
