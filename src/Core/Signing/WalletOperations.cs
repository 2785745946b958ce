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
        var type = WalletKeys.KeyTypeOf(keyType);
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
    /// Writes a backup of one wallet to <paramref name="outPath"/> (a new file, 0600): a vault file with this vault's
    /// slots and that wallet's record only, so it opens with what opens this vault and carries no other secret.
    /// </summary>
    public ExportResult Export(string wallet, string outPath, UnlockOptions unlock, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(outPath) || !Path.IsPathFullyQualified(outPath))
        {
            throw new InvalidInputException("out_path", "must be an absolute path");
        }

        var full = Path.GetFullPath(outPath);
        if (File.Exists(full) || Directory.Exists(full))
        {
            throw new InvalidInputException("out_path", "names an existing file; choose a new path");
        }

        if (Path.GetDirectoryName(full) is not { } directory || !Directory.Exists(directory))
        {
            throw new InvalidInputException("out_path", "must be in an existing folder");
        }

        var info = _wallets.Resolve(wallet, unlock);
        var bytes = _vault.Read(unlock, vault => vault.ExportWallet(info.Address));
        ProtectedFile.WriteAtomic(full, bytes);
        var result = new ExportResult(full, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Record(AuditEventType.WalletExport, context, "export", info, new JsonObject { ["path"] = full, ["sha256"] = result.Sha256 });
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
