using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.UseCases;

/// <summary>
/// The wallet use cases both front ends call (list, resolve, create, import, export, delete), each audited the same
/// way whoever asks: a new seed is generated and stored in one unlock, a backup is written only after a human
/// approved exactly its path, a delete only after a human approved exactly that wallet. No secret is returned.
/// </summary>
public sealed class WalletUseCases
{
    private readonly WalletVault _vault;
    private readonly WalletDirectory _wallets;
    private readonly IAuditLog _audit;
    private readonly ApprovalStore _approvals;
    private readonly Func<UnlockOptions> _unlock;
    private readonly TimeProvider _time;
    private readonly WalletFreeze _freeze;

    /// <summary>Binds the vault, its wallet list, the audit log, the pending approvals and how each operation unlocks.</summary>
    public WalletUseCases(WalletVault vault, WalletDirectory wallets, IAuditLog audit, ApprovalStore approvals, Func<UnlockOptions> unlock, TimeProvider? time = null, ApprovalRules? approvalRules = null, TokenWalletSigner? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(wallets);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(approvals);
        ArgumentNullException.ThrowIfNull(unlock);
        _vault = vault;
        _wallets = wallets;
        _audit = audit;
        _approvals = approvals;
        _unlock = unlock;
        _time = time ?? TimeProvider.System;
        ApprovalRules = approvalRules;
        _freeze = new WalletFreeze(vault);
        Tokens = tokens;
    }

    /// <summary>The signer for wallets whose key lives on a token, when this host has token support; null otherwise.</summary>
    public TokenWalletSigner? Tokens { get; }

    /// <summary>What a grant must be (the mode in force, verified passkeys, the quorum); without them only a form or operator grant counts.</summary>
    public ApprovalRules? ApprovalRules { get; }

    /// <summary>The vault's public wallet list (of one network when <paramref name="network"/> is given); never a secret.</summary>
    public IReadOnlyList<WalletInfo> List(string? network = null) =>
        [.. _wallets.List(_unlock()).Where(wallet => network is null || wallet.Network == network)];

    /// <summary>
    /// The wallet a caller names: by name or classic address, or (<paramref name="nameOnly"/>, the CLI's --name) by
    /// name only, so a name that looks like another wallet's address can never select that wallet.
    /// </summary>
    public WalletInfo Resolve(string wallet, bool nameOnly = false)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        if (!nameOnly)
        {
            return _wallets.Resolve(wallet, _unlock());
        }

        // Names are unique regardless of case in the vault (UnlockedVault.FindWalletByName), so they are matched the same way here.
        return _wallets.List(_unlock()).FirstOrDefault(info => string.Equals(info.Name, wallet, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidInputException("name", "names no wallet in the vault (a wallet name, never an address)");
    }

    /// <summary>Generates a wallet of <paramref name="keyType"/> for <paramref name="network"/>; its seed never leaves the vault.</summary>
    public WalletInfo Create(string name, string keyType, string network, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = KeyTypes.Parse(keyType, "key_type");
        CheckNetwork(network);
        MainnetSlotRule.Check(_vault, network, "network");
        using var seed = DecodedSeed.Generate(type);
        using var key = XrplSigningKey.FromSeed(seed);
        var info = Add(Describe(name, key, network), seed.Entropy);
        Record(AuditEventType.WalletCreate, context, "create", info);
        return info;
    }

    /// <summary>
    /// Generates a wallet whose key pair is made on the token <paramref name="token"/> names and never leaves it
    /// (sensitive, not extractable): the token is probed for the key type first, the key generated under the PIN
    /// (counted by the lockout), and the record keeps only the token reference and the public key. A wallet that
    /// cannot be stored after all has its new key pair destroyed on the token.
    /// </summary>
    public WalletInfo CreateOnToken(string name, string keyType, string network, TokenKeyReference token, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(context);
        var signer = Tokens is { } tokens && string.Equals(tokens.Tokens.Kind, token.Kind, StringComparison.Ordinal)
            ? tokens
            : throw new InvalidInputException("on_token", $"this host has no support for {token.Kind} tokens");
        var type = KeyTypes.Parse(keyType, "key_type");
        CheckNetwork(network);
        MainnetSlotRule.Check(_vault, network, "network");
        var unlock = _unlock();
        // Checked before the token is touched, so a name in use never leaves a key pair behind on the device.
        if (_wallets.List(unlock).Any(wallet => string.Equals(wallet.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidInputException("name", "is already used by another wallet");
        }

        signer.Tokens.Probe(token).Require(type, token.TokenDescription);
        var generated = signer.WithPin(token, unlock, pin => signer.Tokens.Generate(token, type, pin));
        WalletInfo info;
        try
        {
            if (generated.PublicKey.Length != PublicKeys.Length || PublicKeys.KeyTypeOf(generated.PublicKey, "public_key") != type)
            {
                throw new InvalidInputException("public_key", $"the {token.TokenDescription} returned a public key that is not a {KeyTypes.Name(type)} key");
            }

            var address = PublicKeys.ToAccountId(generated.PublicKey, "public_key").ToClassicAddress();
            var description = new WalletDescription(name, KeyTypes.Name(type), network, address, Convert.ToHexString(generated.PublicKey)) { Token = generated.Key };
            info = Add(description, ReadOnlySpan<byte>.Empty);
        }
        catch
        {
            try
            {
                signer.WithPin(generated.Key, unlock, pin =>
                {
                    signer.Tokens.Destroy(generated.Key, pin);
                    return true;
                });
            }
            catch (Exception cleanup) when (cleanup is not OutOfMemoryException)
            {
                // The record was not written: the orphaned key pair signs for nothing HsmWallet knows; the first error is the one to report.
            }

            throw;
        }

        Record(AuditEventType.WalletCreate, context, "create", info, new JsonObject { ["on_token"] = true, ["token"] = token.TokenLabel ?? token.TokenSerial });
        return info;
    }

    /// <summary>
    /// Refuses an import onto a token: a key that ever existed outside the device never becomes an on-token key,
    /// since a copy may live on. Front ends call this when asked to import with an on-token option.
    /// </summary>
    public static InvalidInputException ImportOnTokenRefused() =>
        new("on-token", "an imported key existed outside the token and never becomes an on-token key: create a new wallet with `wallet create --on-token` and move the funds to it");

    /// <summary>
    /// Stores an existing key the operator typed or piped (a family seed's entropy, or a derived private key) as
    /// wallet <paramref name="name"/>: <paramref name="secret"/> is what the vault keeps, <paramref name="key"/> its key pair.
    /// </summary>
    public WalletInfo Import(string name, XrplSigningKey key, ReadOnlySpan<byte> secret, string network, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(context);
        CheckNetwork(network);
        MainnetSlotRule.Check(_vault, network, "network");
        var info = Add(Describe(name, key, network), secret);
        Record(AuditEventType.WalletImport, context, "import", info);
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
    /// exclusive create in <see cref="ExportAsync"/> is what guarantees it).
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
    /// Writes an encrypted backup of one wallet after a human approved exactly its path (asked through the approver
    /// port): a new 0600 file, created exclusively (an existing or concurrently created file is refused, never
    /// replaced), holding that wallet's record only, protected by this vault's slots or by a new slot of its own.
    /// A frozen wallet refuses (<see cref="WalletFrozenException"/>, audited) before anyone is asked, and again with the
    /// unlock that reads the record.
    /// </summary>
    public async Task<ExportResult> ExportAsync(ExportRequest request, IApprover approver, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(context);
        var info = Resolve(request.Wallet, request.NameOnly);
        if (info.IsOnToken)
        {
            throw new InvalidInputException(
                "wallet",
                $"its key lives on the {info.Token!.TokenDescription} and cannot be exported: back it up at the token level (the device's own backup) or sign through a multisign setup with a second token (docs/on-token-keys.md)");
        }

        try
        {
            return await ExportUnfrozenAsync(info, request, approver, context).ConfigureAwait(false);
        }
        catch (WalletFrozenException)
        {
            Record(AuditEventType.WalletExport, context, "export", info, result: AuditResult.Denied, code: WalletFrozenException.Code);
            throw;
        }
    }

    private async Task<ExportResult> ExportUnfrozenAsync(WalletInfo info, ExportRequest request, IApprover approver, OperationContext context)
    {
        WalletFreeze.ThrowIfFrozen(_freeze.Current());
        var path = request.Destination switch
        {
            BackupDestination.InBackupsFolder { FileName: { } fileName } => BackupPath(fileName),
            BackupDestination.InBackupsFolder => DefaultBackupPath(info, request.ApprovalId is { } id ? _approvals.Get(id).CreatedAt : _time.GetUtcNow()),
            BackupDestination.OperatorFile file => OperatorPath(file),
            _ => throw new InvalidInputException("destination", "is not a known backup destination"),
        };

        // The approval is bound to the real resolved path and the wallet, and the summary shows both.
        var binding = ApprovalBinding.For("wallet_export", new JsonObject { ["wallet"] = info.Address, ["path"] = path });
        var summary = new ApprovalSummary(
            $"Export an encrypted backup of wallet {info.Address}",
            [$"Wallet: {info.Address} ({info.KeyType}, {info.Network})", $"Backup file: {VisibleText.Of(path)}"],
            ["Whoever has this file and a way to open it can sign for this wallet."],
            [$"wallet name: {VisibleText.Of(info.Name)}"]);
        var grant = await ApprovalGate.RequireAsync(approver, new ApprovalRequest("wallet_export", binding, summary, request.ApprovalId), context, ApprovalRules).ConfigureAwait(false);
        var field = request.Destination is BackupDestination.OperatorFile ? "out" : "file_name";
        var bytes = request.Protection switch
        {
            BackupProtection.SameSlots => _vault.Read(_unlock(), vault =>
            {
                WalletFreeze.ThrowIfFrozen(_freeze.Current(vault));
                return vault.ExportWallet(info.Address);
            }),
            BackupProtection.OwnSlot own => ExportUnderOwnSlot(info, path, own),
            _ => throw new InvalidInputException("protection", "is not a known backup protection"),
        };
        ProtectedFile.CreateExclusive(path, bytes, field);
        var result = new ExportResult(path, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Record(AuditEventType.WalletExport, context, "export", info, Approved(grant, new JsonObject { ["path"] = path, ["sha256"] = result.Sha256 }));
        return result;
    }

    /// <summary>
    /// Removes a wallet from the vault after a human approved exactly that wallet; its funds stay on the ledger, reachable
    /// only through a backup. Refused while the wallet is frozen (a key is not destroyed during an emergency stop).
    /// </summary>
    public async Task<WalletInfo> DeleteAsync(string wallet, bool nameOnly, string? approvalId, IApprover approver, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(context);
        var info = Resolve(wallet, nameOnly);
        try
        {
            return await DeleteUnfrozenAsync(info, approvalId, approver, context).ConfigureAwait(false);
        }
        catch (WalletFrozenException)
        {
            Record(AuditEventType.WalletDelete, context, "delete", info, result: AuditResult.Denied, code: WalletFrozenException.Code);
            throw;
        }
    }

    private async Task<WalletInfo> DeleteUnfrozenAsync(WalletInfo info, string? approvalId, IApprover approver, OperationContext context)
    {
        WalletFreeze.ThrowIfFrozen(_freeze.Current());
        var binding = ApprovalBinding.For("wallet_delete", new JsonObject { ["wallet"] = info.Address });
        var summary = new ApprovalSummary(
            $"Delete wallet {info.Address} from the vault",
            [$"Wallet: {info.Address} ({info.KeyType}, {info.Network})"],
            ["Its funds stay on the ledger but nothing can sign for them without a backup."],
            [$"wallet name: {VisibleText.Of(info.Name)}"]);
        var grant = await ApprovalGate.RequireAsync(approver, new ApprovalRequest("wallet_delete", binding, summary, approvalId), context, ApprovalRules).ConfigureAwait(false);
        var deleted = _vault.Update(_unlock(), vault =>
        {
            WalletFreeze.ThrowIfFrozen(_freeze.Current(vault));
            return vault.DeleteWallet(info.Address);
        });
        _wallets.Removed(deleted);
        Record(AuditEventType.WalletDelete, context, "delete", deleted, Approved(grant, []));
        return deleted;
    }

    /// <summary>
    /// A new vault file, made in a private staging folder beside the target, holding only this wallet under its own
    /// slot (the operator's backup password): it opens without this vault's hardware.
    /// </summary>
    private byte[] ExportUnderOwnSlot(WalletInfo info, string path, BackupProtection.OwnSlot own)
    {
        var staging = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".hsmwallet-export-{Guid.NewGuid():N}");
        try
        {
            var backup = new WalletVault(WalletHome.At(staging), _vault.Providers, _time);
            backup.Create(own.Secrets, own.Provider);
            _vault.Read(_unlock(), vault =>
            {
                WalletFreeze.ThrowIfFrozen(_freeze.Current(vault));
                return vault.WithWalletSecret(info.Address, (secret, wallet) =>
                    backup.AddWallet(
                        new UnlockOptions(own.Secrets),
                        new WalletDescription(wallet.Name, wallet.KeyType, wallet.Network, wallet.Address, wallet.PublicKey),
                        secret));
            });
            return ProtectedFile.ReadAllBytes(backup.Home.VaultPath);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The operator's own target file: a new path (never an existing file or folder), as given.</summary>
    private static string OperatorPath(BackupDestination.OperatorFile file)
    {
        var path = Path.GetFullPath(file.Path);
        return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null
            ? throw new InvalidInputException("out", "names an existing file; choose a new path")
            : path;
    }

    private static void CheckNetwork(string network)
    {
        if (network is not "mainnet" and not "testnet" and not "devnet")
        {
            throw new InvalidInputException("network", "must be mainnet, testnet or devnet");
        }
    }

    private static WalletDescription Describe(string name, XrplSigningKey key, string network) =>
        new(name, KeyTypes.Name(key.KeyType), network, key.AccountId.ToClassicAddress(), Convert.ToHexString(key.PublicKey));

    private WalletInfo Add(WalletDescription description, ReadOnlySpan<byte> secret)
    {
        var info = _vault.AddWallet(_unlock(), description, secret);
        _wallets.Added(info);
        return info;
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

    /// <summary><paramref name="extra"/> with how <paramref name="grant"/> was given and, for passkeys, what an auditor needs to check each approver's signature.</summary>
    private static JsonObject Approved(ApprovalGrant grant, JsonObject extra)
    {
        extra["approved_via"] = grant.Via;
        if (grant.Passkeys.Count > 0)
        {
            extra["approval_binding"] = grant.Binding;
            extra["approvers"] = new JsonArray([.. grant.Approvers.Select(name => (JsonNode)name)]);
            extra["assertions"] = new JsonArray([.. grant.Passkeys.Select(passkey => (JsonNode)passkey.Assertion.ToAudit(passkey.Approver))]);
        }

        return extra;
    }

    private void Record(AuditEventType type, OperationContext context, string operation, WalletInfo wallet, JsonObject? extra = null, AuditResult result = AuditResult.Success, string? code = null)
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

        _audit.Append(new AuditEvent(type, context.ToolName, context.CorrelationId, context.Actor, operation, parameters, result, code));
    }
}
