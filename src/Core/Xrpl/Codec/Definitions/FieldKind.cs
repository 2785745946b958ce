namespace HsmWallet.Core.Xrpl.Codec.Definitions;

/// <summary>
/// How a field's value is turned into bytes: the definitions' type name, refined for the fields whose
/// JSON differs from their type's (enumerated names, base-10 64-bit amounts).
/// </summary>
internal enum FieldKind
{
    /// <summary>A type this codec cannot encode (markers, or a type added to the table later).</summary>
    Unsupported,

    /// <summary>8-bit unsigned integer, a JSON number.</summary>
    UInt8,

    /// <summary>16-bit unsigned integer, a JSON number.</summary>
    UInt16,

    /// <summary>32-bit unsigned integer, a JSON number.</summary>
    UInt32,

    /// <summary>64-bit unsigned integer written in JSON as hex text.</summary>
    UInt64Hex,

    /// <summary>64-bit unsigned integer written in JSON as decimal text (token amounts).</summary>
    UInt64Decimal,

    /// <summary>32-bit signed integer, a JSON number.</summary>
    Int32,

    /// <summary>64-bit signed integer, a JSON number or decimal text.</summary>
    Int64,

    /// <summary>Fixed-width bytes written as hex: hashes and UInt96.</summary>
    FixedHex,

    /// <summary>Variable-length bytes written as hex.</summary>
    Blob,

    /// <summary>A 20-byte account, written as an address.</summary>
    AccountId,

    /// <summary>XRP drops, an issued amount or an MPT amount.</summary>
    Amount,

    /// <summary>A bare currency code.</summary>
    Currency,

    /// <summary>An asset: XRP, currency and issuer, or an MPT issuance.</summary>
    Issue,

    /// <summary>The ledger's decimal floating-point Number.</summary>
    Number,

    /// <summary>Payment paths.</summary>
    PathSet,

    /// <summary>A list of 256-bit hashes.</summary>
    Vector256,

    /// <summary>A nested object.</summary>
    StObject,

    /// <summary>An array of single-field objects.</summary>
    StArray,

    /// <summary>A cross-chain bridge description.</summary>
    XChainBridge,

    /// <summary>A 16-bit transaction type, written as its name.</summary>
    TransactionType,

    /// <summary>A 16-bit ledger entry type, written as its name.</summary>
    LedgerEntryType,

    /// <summary>An 8-bit transaction result, written as its name.</summary>
    TransactionResult,

    /// <summary>A 32-bit delegated permission, written as its name.</summary>
    PermissionValue,
}
