namespace HsmWallet.Core.Secrets;

/// <summary>Small in-place edits of secret bytes, so no caller is tempted to go through a string.</summary>
public static class SecretText
{
    /// <summary>Drops one trailing "\n" (or "\r\n") that editors and `echo` add to a secret file.</summary>
    public static void StripOneTrailingNewline(SecureBuffer secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var bytes = secret.ReadOnlySpan;
        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == (byte)'\n')
        {
            length--;
            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }
        }

        secret.Truncate(length);
    }
}
