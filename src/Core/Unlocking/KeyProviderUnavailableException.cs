namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Raised by a provider whose library or device cannot be used now (not a wrong secret): unlocking moves
/// on to the next slot and lockout does not count it.
/// </summary>
public sealed class KeyProviderUnavailableException : Exception
{
    /// <summary>Creates the error with words an operator can act on.</summary>
    public KeyProviderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its inner cause.</summary>
    public KeyProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
