using System.Security.Cryptography;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// Where a freeze lives, read fail-closed: an owner-only marker file `state/freeze.json` (written first, needs no
/// unlock) and the record in the vault's authenticated settings (needs the vault key, so no file an agent can write
/// or delete removes it). Anything at the marker's place that is not clearly "no file" (a link, a loose mode, another
/// owner, a malformed record, an unreadable folder) counts as frozen. The vault's record is taken from every unlock of
/// the bound vault, so a check without an unlock knows what the last one saw, for as long as vault.json keeps the
/// generation that unlock read (another process's unfreeze rewrites it); the checks that guard a key use the record of
/// their own unlock. When instances share a state store (a database), the marker is also kept there, so a freeze made
/// on one host stops every instance at once; either copy freezes, and a store that cannot be read counts as frozen.
/// </summary>
public sealed class WalletFreeze
{
    /// <summary>The marker's file name under the home's state/ folder.</summary>
    public const string MarkerFileName = "freeze.json";

    private const int MaximumMarkerLength = 4096;

    private readonly WalletVault _vault;
    private Seen? _seen;

    /// <summary>Binds the vault (its home holds the marker) and follows its unlocks.</summary>
    public WalletFreeze(WalletVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        vault.Unlocked += unlocked => Volatile.Write(ref _seen, new Seen(unlocked.Generation, ReadSetting(unlocked)));
    }

    /// <summary>The marker file's path (state/freeze.json); its lock file serializes freeze and unfreeze.</summary>
    public string MarkerPath => Path.Combine(_vault.Home.StateDirectory, MarkerFileName);

    /// <summary>
    /// Without unlocking: the marker now, and the vault's record as this process's last unlock saw it while vault.json
    /// still has that unlock's generation (a record seen frozen in a file rewritten since is not assumed to hold).
    /// </summary>
    public FreezeState Current()
    {
        var marker = ReadMarker();
        var seen = Volatile.Read(ref _seen);
        return new FreezeState(marker, seen is null || (seen.Side.Frozen && !StillStored(seen.Generation)) ? FreezeSide.Absent : seen.Side);
    }

    /// <summary>With the vault unlocked: the marker now and <paramref name="vault"/>'s record.</summary>
    public FreezeState Current(UnlockedVault vault) => new(ReadMarker(), ReadSetting(vault));

    /// <summary>Throws <see cref="WalletFrozenException"/> when <paramref name="state"/> is frozen.</summary>
    public static void ThrowIfFrozen(FreezeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.IsFrozen)
        {
            throw new WalletFrozenException(state);
        }
    }

    /// <summary>What the marker file says: absent only when neither it nor its folder exists as something else.</summary>
    public FreezeSide ReadMarker()
    {
        var local = ReadLocalMarker();
        return local.Frozen || _vault.SharedStateStore is not { } shared ? local : ReadSharedMarker(shared);
    }

    private static string SharedDocument => "state/" + MarkerFileName;

    // The copy in the shared store: absent only when the store answers that there is none.
    private static FreezeSide ReadSharedMarker(State.IStateStore shared)
    {
        try
        {
            // A freeze committed on any instance is seen by the next read; the signature checks again under its lock.
            var bytes = shared.ReadCommitted(SharedDocument);
            if (bytes is null)
            {
                return FreezeSide.Absent;
            }

            return bytes.Length <= MaximumMarkerLength && FreezeRecord.Parse(bytes) is { } record
                ? FreezeSide.Of(record)
                : FreezeSide.Unreadable("the shared freeze marker is malformed", "shared-sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (Exception error) when (error is State.StateStoreException or InvalidInputException)
        {
            return Unreadable("the shared state store cannot be read, so the freeze marker there is unknown");
        }
    }

    private FreezeSide ReadLocalMarker()
    {
        var path = MarkerPath;
        try
        {
            if (!Directory.Exists(_vault.Home.StateDirectory) && new DirectoryInfo(_vault.Home.StateDirectory).LinkTarget is null)
            {
                return File.Exists(_vault.Home.StateDirectory) ? Unreadable("the home's state folder is not a folder") : FreezeSide.Absent;
            }

            ProtectedFile.CheckDirectory(_vault.Home.StateDirectory);
            if (!File.Exists(path) && new FileInfo(path).LinkTarget is null && !Directory.Exists(path))
            {
                return FreezeSide.Absent;
            }

            var bytes = ProtectedFile.ReadAllBytes(path, MaximumMarkerLength);
            return FreezeRecord.Parse(bytes) is { } record
                ? FreezeSide.Of(record)
                : FreezeSide.Unreadable("the freeze marker state/freeze.json is malformed", "marker-sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (UnsafeFilePermissionsException)
        {
            return Unreadable("the freeze marker state/freeze.json (or its folder) is a link, not ours, or open to others");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return Unreadable("the freeze marker state/freeze.json cannot be read");
        }
    }

    /// <summary>What <paramref name="vault"/>'s settings say; a malformed record counts as frozen.</summary>
    public static FreezeSide ReadSetting(UnlockedVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        if (!vault.HasSetting(VaultSettingNames.Freeze))
        {
            return FreezeSide.Absent;
        }

        return vault.WithSetting(VaultSettingNames.Freeze, value => FreezeRecord.Parse(value) is { } record
            ? FreezeSide.Of(record)
            : FreezeSide.Unreadable("the vault's freeze record is malformed", "vault-sha256:" + Convert.ToHexStringLower(SHA256.HashData(value))));
    }

    /// <summary>Writes the marker atomically (0600, in the 0700 state folder, replacing any earlier marker).</summary>
    public void WriteMarker(FreezeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ProtectedFile.WriteAtomic(_vault.Home.StateFile(MarkerFileName), record.ToBytes(), MaximumMarkerLength);
        _vault.SharedStateStore?.Exclusive(SharedDocument, session =>
        {
            session.Write(SharedDocument, record.ToBytes());
            return true;
        });
    }

    /// <summary>
    /// Removes the marker (a link is removed, never followed); absent is fine. A state folder that is a link or open to
    /// others is refused with its fix (nothing is deleted through it, and the freeze stands until it is repaired).
    /// </summary>
    public void DeleteMarker()
    {
        var path = MarkerPath;
        if (!Directory.Exists(_vault.Home.StateDirectory) && new DirectoryInfo(_vault.Home.StateDirectory).LinkTarget is null)
        {
            return;
        }

        ProtectedFile.CheckDirectory(_vault.Home.StateDirectory);
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
        {
            throw new IOException("state/freeze.json is a folder; remove it by hand to lift the freeze");
        }

        File.Delete(path);
        UnixFiles.SyncDirectory(_vault.Home.StateDirectory);
        _vault.SharedStateStore?.Exclusive(SharedDocument, session => session.Delete(SharedDocument));
    }

    /// <summary>Stores <paramref name="record"/> in <paramref name="vault"/>'s authenticated settings (written by the update).</summary>
    public static void WriteSetting(UnlockedVault vault, FreezeRecord record)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(record);
        vault.SetSetting(VaultSettingNames.Freeze, record.ToBytes());
    }

    /// <summary>Removes the record from <paramref name="vault"/>'s settings.</summary>
    public static void RemoveSetting(UnlockedVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _ = vault.RemoveSetting(VaultSettingNames.Freeze);
    }

    private bool StillStored(long generation)
    {
        try
        {
            return _vault.StoredGeneration() == generation;
        }
#pragma warning disable CA1031 // A vault file that cannot be read now keeps the record last seen (fail-closed).
        catch (Exception error) when (error is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    private static FreezeSide Unreadable(string problem) => FreezeSide.Unreadable(problem, "marker:" + problem);

    private sealed record Seen(long Generation, FreezeSide Side);
}
