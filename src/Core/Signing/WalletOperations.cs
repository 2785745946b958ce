using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The wallet operations a caller may ask for besides signing (create, export, delete), each audited, so MCP
/// tools reach the vault only through here and never hold a secret: a new seed is generated and stored in one
/// unlock, a backup leaves encrypted under this vault's slots, a delete removes the record.
/// </summary>
public sealed class WalletOperations
{
    private readonly WalletVault _vault;
    private readonly WalletDirectory _wallets;
    private readonly IAuditLog _audit;

    /// <summary>Binds the vault, its wallet list and the audit log.</summary>
    public WalletOperations(WalletVault vault, WalletDirectory wallets, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(wallets);
        ArgumentNullException.ThrowIfNull(audit);
        _vault = vault;
        _wallets = wallets;
        _audit = audit;
    }

    /// <summary>Generates a wallet of <paramref name="keyType"/> for <paramref name="network"/>; its seed never leaves the vault.</summary>
    public WalletInfo Create(string name, string keyType, string network, UnlockOptions unlock, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = KeyTypes.Parse(keyType, "key_type");
        if (network is not "mainnet" and not "testnet" and not "devnet")
        {
            throw new InvalidInputException("network", "must be mainnet, testnet or devnet");
        }

        MainnetSlotRule.Check(_vault, network, "network");
        using var seed = DecodedSeed.Generate(type);
        using var key = XrplSigningKey.FromSeed(seed);
        var description = new WalletDescription(name, keyType, network, key.AccountId.ToClassicAddress(), Convert.ToHexString(key.PublicKey));
        var info = _vault.AddWallet(unlock, description, seed.Entropy);
        _wallets.Added(info);
        Record(AuditEventType.WalletCreate, context, "create", info);
        return info;
    }

    /// <summary>
    /// The folder every export a caller asks for goes to: `&lt;home&gt;/backups/` (0700, ours, never a link). A caller
    /// names a file in it, never a path, so no export can reach the policy, the vault or anything outside the home.
    /// </summary>
    public const string BackupFolderName = "backups";

    /// <summary>The longest backup file name accepted.</summary>
    public const int MaximumBackupFileNameLength = 128;

    /// <summary>What every default backup file name ends with.</summary>
    public const string BackupSuffix = ".hsmwallet-backup.json";

    private const int MaximumDefaultNameTries = 99;

    /// <summary>
    /// Checks a backup file name: 1 to <see cref="MaximumBackupFileNameLength"/> ASCII letters, digits, '.', '_' or
    /// '-', starting with a letter or digit (no hidden file), without "..": a name, never a path.
    /// </summary>
    public static void CheckBackupFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName) || fileName.Length > MaximumBackupFileNameLength || !char.IsAsciiLetterOrDigit(fileName[0])
            || !fileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') || fileName.Contains("..", StringComparison.Ordinal))
        {
            throw new InvalidInputException(
                "file_name",
                $"must be a plain file name: 1 to {MaximumBackupFileNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit, without '..' (no folder: backups always go to the home's {BackupFolderName}/ folder)");
        }
    }

    /// <summary>
    /// The full path a backup named <paramref name="fileName"/> would be written to, after checking the name, the
    /// backups folder (created 0700 if absent; refused when a link, not ours, or open to others) and that no file
    /// of that name is there yet (asked early, so a person never approves an export that cannot be written; the
    /// exclusive create in <see cref="Export"/> is what guarantees it).
    /// </summary>
    public string BackupPath(string fileName)
    {
        CheckBackupFileName(fileName);
        var path = Path.Combine(BackupFolder(), fileName);
        if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            throw new InvalidInputException("file_name", $"names a file that already exists in {BackupFolderName}/; an export never replaces a file: choose another name");
        }

        return path;
    }

    /// <summary>
    /// The default backup path of <paramref name="wallet"/> on <paramref name="day"/>'s UTC date: the first of
    /// `NAME-YYYYMMDD.hsmwallet-backup.json`, `NAME-YYYYMMDD-2...` that does not exist yet in the backups folder. The
    /// same inputs give the same path until that file is written, so an approval can be bound to the real path.
    /// </summary>
    public string DefaultBackupPath(WalletInfo wallet, DateTimeOffset day)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var folder = BackupFolder();
        var stem = (IsPlainName(wallet.Name) ? wallet.Name : wallet.Address) + "-"
            + day.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        for (var index = 1; index <= MaximumDefaultNameTries; index++)
        {
            var name = index == 1 ? stem + BackupSuffix : stem + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + BackupSuffix;
            var path = Path.Combine(folder, name);
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                return path;
            }
        }

        throw new InvalidInputException("file_name", $"is needed: today's {MaximumDefaultNameTries} default backup names of this wallet are used");
    }

    /// <summary>
    /// Writes a backup of one wallet as <paramref name="fileName"/> in the backups folder (a new 0600 file, created
    /// exclusively: an existing or concurrently created file is refused, never replaced): a vault file with this
    /// vault's slots and that wallet's record only, so it opens with what opens this vault and carries no other secret.
    /// </summary>
    public ExportResult Export(string wallet, string fileName, UnlockOptions unlock, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckBackupFileName(fileName);
        var path = Path.Combine(BackupFolder(), fileName);
        var info = _wallets.Resolve(wallet, unlock);
        var bytes = _vault.Read(unlock, vault => vault.ExportWallet(info.Address));
        ProtectedFile.CreateExclusive(path, bytes, "file_name");
        var result = new ExportResult(path, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Record(AuditEventType.WalletExport, context, "export", info, new JsonObject { ["path"] = path, ["sha256"] = result.Sha256 });
        return result;
    }

    /// <summary>Removes a wallet from the vault; its funds stay on the ledger, reachable only through a backup.</summary>
    public WalletInfo Delete(string wallet, UnlockOptions unlock, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = _wallets.Resolve(wallet, unlock);
        var deleted = _vault.DeleteWallet(unlock, info.Address);
        _wallets.Removed(deleted);
        Record(AuditEventType.WalletDelete, context, "delete", deleted);
        return deleted;
    }

    private static bool IsPlainName(string name)
    {
        try
        {
            CheckBackupFileName(name);
            return true;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }

    private string BackupFolder()
    {
        var folder = Path.Combine(_vault.Home.Root, BackupFolderName);
        ProtectedFile.EnsurePrivateDirectory(folder);
        return folder;
    }

    private void Record(AuditEventType type, OperationContext context, string operation, WalletInfo wallet, JsonObject? extra = null)
    {
        var parameters = new JsonObject
        {
            ["name"] = wallet.Name,
            ["address"] = wallet.Address,
            ["key_type"] = wallet.KeyType,
            ["network"] = wallet.Network,
        };
        foreach (var (name, value) in extra ?? [])
        {
            parameters[name] = value?.DeepClone();
        }

        _audit.Append(new AuditEvent(type, context.ToolName, context.CorrelationId, context.Actor, operation, parameters, AuditResult.Success));
    }
}
