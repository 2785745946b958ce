using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>
/// The effect model of one transaction type: what each of its fields means (value out, value not moved,
/// recipient, party, authority), which ledger objects it draws from, and whether it changes who controls the
/// account. Built once in <see cref="EffectModel"/>; a field it does not name never passes as harmless.
/// </summary>
public sealed class TypeEffect
{
    internal TypeEffect(
        string type,
        string does,
        FrozenDictionary<string, FieldRole> fields,
        IReadOnlyList<ObjectReference> references,
        Func<JsonObject, string?>? keyChange,
        string? needsHuman,
        string? refused,
        bool wraps)
    {
        Type = type;
        Does = does;
        Fields = fields;
        References = references;
        KeyChangeOf = keyChange;
        NeedsHuman = needsHuman;
        Refused = refused;
        Wraps = wraps;
    }

    /// <summary>The TransactionType name.</summary>
    public string Type { get; }

    /// <summary>What the type does, in words, for the docs and the operator.</summary>
    public string Does { get; }

    /// <summary>The type's own fields and their roles (the common fields are in <see cref="EffectModel.CommonFields"/>).</summary>
    public FrozenDictionary<string, FieldRole> Fields { get; }

    /// <summary>Ledger objects read before a decision.</summary>
    public IReadOnlyList<ObjectReference> References { get; }

    /// <summary>Why every transaction of this type needs a human, or null.</summary>
    public string? NeedsHuman { get; }

    /// <summary>Why this type is never signed, or null.</summary>
    public string? Refused { get; }

    /// <summary>Whether the type carries other transactions (Batch) that are modelled as if signed alone.</summary>
    public bool Wraps { get; }

    /// <summary>Whether some transactions of this type change who controls the account (each such one needs a human).</summary>
    public bool MayChangeControl => KeyChangeOf is not null;

    internal Func<JsonObject, string?>? KeyChangeOf { get; }

    /// <summary>How the transaction changes who controls the account, or null when it does not.</summary>
    public string? KeyChange(JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return KeyChangeOf?.Invoke(transaction);
    }
}
