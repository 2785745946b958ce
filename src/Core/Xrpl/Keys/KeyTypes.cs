namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The one text form of <see cref="KeyType"/> ("ed25519", "secp256k1"): what vault records store, what scripts
/// and agents pass and see. Every parse and every name goes through here, so the forms cannot drift apart.
/// </summary>
public static class KeyTypes
{
    /// <summary>The canonical name of Ed25519 keys.</summary>
    public const string Ed25519Name = "ed25519";

    /// <summary>The canonical name of secp256k1 keys.</summary>
    public const string Secp256k1Name = "secp256k1";

    /// <summary>
    /// Reads a key type's canonical name (exact, lowercase); anything else, null included, throws
    /// <see cref="InvalidInputException"/> naming <paramref name="field"/> (a record field, an MCP argument or a CLI flag).
    /// </summary>
    public static KeyType Parse(string? text, string field) => text switch
    {
        Ed25519Name => KeyType.Ed25519,
        Secp256k1Name => KeyType.Secp256k1,
        _ => throw new InvalidInputException(field, "must be ed25519 or secp256k1"),
    };

    /// <summary>The canonical lowercase name of <paramref name="keyType"/>.</summary>
    public static string Name(KeyType keyType) => keyType switch
    {
        KeyType.Ed25519 => Ed25519Name,
        KeyType.Secp256k1 => Secp256k1Name,
        _ => throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "not a key type"),
    };
}
