namespace HsmWallet.Core.Ledger;

/// <summary>
/// A failure reported by the ledger (rippled's own code: actNotFound, tefPAST_SEQ, ...) or by the
/// conversation with it (timeout, transport), so callers can show the ledger's words and map them to
/// a stable error code without parsing messages.
/// </summary>
public sealed class LedgerException : Exception
{
    /// <summary>Creates the exception with the ledger's code and a sentence for people.</summary>
    public LedgerException(string code, string message)
        : base(code + ": " + message) => Code = code;

    /// <summary>Creates the exception keeping the transport error that caused it.</summary>
    public LedgerException(string code, string message, Exception innerException)
        : base(code + ": " + message, innerException) => Code = code;

    /// <summary>Required by the exception pattern; prefer the constructors that name a code.</summary>
    public LedgerException()
        : this("internal", "ledger error")
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructors that name a code.</summary>
    public LedgerException(string message)
        : this("internal", message)
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructors that name a code.</summary>
    public LedgerException(string message, Exception innerException)
        : this("internal", message, innerException)
    {
    }

    /// <summary>The ledger's code (for example "actNotFound", "tefMAX_LEDGER"), or "timeout" / "transport".</summary>
    public string Code { get; }
}
