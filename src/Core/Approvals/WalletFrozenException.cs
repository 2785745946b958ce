namespace HsmWallet.Core.Approvals;

/// <summary>
/// A signature, export or delete refused because the operator froze the wallet (error code "frozen"): says since
/// when, by whom and why, and that only the operator lifts it. Nothing was signed, exported or changed.
/// </summary>
public sealed class WalletFrozenException : Exception
{
    /// <summary>The stable error code both front ends report.</summary>
    public const string Code = "frozen";

    /// <summary>A refusal because of <paramref name="state"/>.</summary>
    public WalletFrozenException(FreezeState state)
        : base(MessageFor(state))
    {
        State = state;
    }

    /// <summary>A refusal with a generic message (for serializers and analyzers).</summary>
    public WalletFrozenException()
        : this("the wallet is frozen; nothing was signed, exported or changed")
    {
    }

    /// <summary>A refusal with this message.</summary>
    public WalletFrozenException(string message)
        : base(message)
    {
        State = new FreezeState(FreezeSide.Unreadable("frozen", "unknown"), FreezeSide.Absent);
    }

    /// <summary>A refusal with this message and its cause.</summary>
    public WalletFrozenException(string message, Exception innerException)
        : base(message, innerException)
    {
        State = new FreezeState(FreezeSide.Unreadable("frozen", "unknown"), FreezeSide.Absent);
    }

    /// <summary>The freeze as the refusing check found it.</summary>
    public FreezeState State { get; }

    private static string MessageFor(FreezeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return $"the wallet is frozen ({state.Describe()}): every signature and export is stopped until the operator lifts it at a terminal with `hsmwallet unfreeze` (with an enrolled approver's passkey when there is one); nothing was signed, exported or changed";
    }
}
