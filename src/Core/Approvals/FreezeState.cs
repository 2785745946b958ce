using System.Text.Json.Nodes;

namespace HsmWallet.Core.Approvals;

/// <summary>What one of the two places a freeze lives in (the marker file, the vault's setting) says.</summary>
/// <param name="Frozen">True when this place says frozen: a record, or anything that is not clearly "no freeze".</param>
/// <param name="Record">The record found, when it is well formed.</param>
/// <param name="Problem">Why this place counts as frozen without a readable record (malformed, wrong mode, a link...).</param>
/// <param name="Fingerprint">What an approval to lift it is bound to: the record's id, or a digest of what was found.</param>
public sealed record FreezeSide(bool Frozen, FreezeRecord? Record, string? Problem, string Fingerprint)
{
    /// <summary>This place holds no freeze.</summary>
    public static FreezeSide Absent { get; } = new(false, null, null, "absent");

    /// <summary>This place holds <paramref name="record"/>.</summary>
    public static FreezeSide Of(FreezeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new FreezeSide(true, record, null, record.Id);
    }

    /// <summary>This place counts as frozen because of <paramref name="problem"/> (fail-closed), bound to <paramref name="fingerprint"/>.</summary>
    public static FreezeSide Unreadable(string problem, string fingerprint) => new(true, null, problem, fingerprint);
}

/// <summary>
/// The freeze as one look found it: the marker file under the home's state/ folder and the record in the vault's
/// authenticated settings. The wallet is frozen when EITHER says so, so deleting the file, or putting back an older
/// vault.json, does not lift it; lifting removes both.
/// </summary>
/// <param name="Marker">What the marker file says.</param>
/// <param name="Vault">What the vault's setting says (as the last unlock saw it, when the look did not unlock).</param>
public sealed record FreezeState(FreezeSide Marker, FreezeSide Vault)
{
    /// <summary>True when signatures and exports are stopped.</summary>
    public bool IsFrozen => Marker.Frozen || Vault.Frozen;

    /// <summary>The freeze's record (the marker's first, else the vault's), or null when neither is readable.</summary>
    public FreezeRecord? Record => Marker.Record ?? Vault.Record;

    /// <summary>
    /// The approval binding of lifting exactly this freeze: operation "unfreeze" over both places' fingerprints, so an
    /// approval given for one freeze cannot lift a later one (each freeze has a new random id).
    /// </summary>
    public string Binding => ApprovalBinding.For("unfreeze", new JsonObject { ["marker"] = Marker.Fingerprint, ["vault"] = Vault.Fingerprint });

    /// <summary>The freeze in words (when, by whom, why; or why it counts as frozen), for messages.</summary>
    public string Describe()
    {
        if (Record is { } record)
        {
            return record.Describe();
        }

        return Marker.Problem ?? Vault.Problem ?? "not frozen";
    }

    /// <summary>The answer's "frozen" value: false, or an object with since, reason and by (null where no record is readable) and problem.</summary>
    public JsonNode ToJson() => IsFrozen
        ? new JsonObject
        {
            ["since"] = Record?.SinceText,
            ["reason"] = Record?.Reason,
            ["by"] = Record?.By,
            ["problem"] = Record is null ? Marker.Problem ?? Vault.Problem : null,
        }
        : false;
}
