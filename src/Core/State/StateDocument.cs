namespace HsmWallet.Core.State;

/// <summary>The one size rule for documents in every backend, so a document an agent can grow fails closed the same way everywhere.</summary>
public static class StateDocument
{
    /// <summary>The largest document accepted: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Refuses content longer than <see cref="MaxBytes"/>, naming the rule, before anything is written.</summary>
    public static void CheckSize(int length)
    {
        if (length > MaxBytes)
        {
            throw new InvalidInputException("state document", "must be at most 1048576 bytes (1 MiB)");
        }
    }
}
