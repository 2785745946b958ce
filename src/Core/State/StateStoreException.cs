namespace HsmWallet.Core.State;

/// <summary>
/// The state store could not be used (unreachable, a lock not had in time, a schema this version does not know):
/// the operation that needed it is refused, nothing is signed, and the message names the store, never a password.
/// </summary>
public sealed class StateStoreException : Exception
{
    /// <summary>Creates the exception with a message safe to show.</summary>
    public StateStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message safe to show and the cause (kept for logs of the host, not shown to agents).</summary>
    public StateStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the generic message.</summary>
    public StateStoreException()
        : base("the state store cannot be used")
    {
    }
}
