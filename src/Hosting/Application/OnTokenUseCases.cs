using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Signing;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.OnToken;

namespace HsmWallet.Hosting.Application;

/// <summary>
/// The token a command line named for an on-token wallet, as plain values (the CLI's --module, --token-label or
/// --token-serial, --key-label); with no module, the token of the vault's own PKCS#11 slot is used.
/// </summary>
/// <param name="Module">Absolute path of the PKCS#11 module, or null for the vault's PKCS#11 slot's token.</param>
/// <param name="TokenLabel">The token's label.</param>
/// <param name="TokenSerial">The token's serial number.</param>
/// <param name="KeyLabel">The new key pair's label, or null for "hsmwallet-NAME".</param>
public sealed record OnTokenChoice(string? Module, string? TokenLabel, string? TokenSerial, string? KeyLabel);

/// <summary>What the server's token offers for keys that never leave it (`server_status`, `hsmwallet status`).</summary>
/// <param name="Token">The token's label or serial.</param>
/// <param name="KeyTypes">The key types it generates and signs with on the device.</param>
/// <param name="Missing">For each key type it cannot serve, what it lacks.</param>
/// <param name="Problem">Why the token could not be asked (absent, module missing), or null.</param>
public sealed record OnTokenStatus(string Token, IReadOnlyList<string> KeyTypes, IReadOnlyDictionary<string, string> Missing, string? Problem);

/// <summary>
/// Wallets whose key is generated on a PKCS#11 token and never leaves it: which token (named by the operator, or the
/// vault's own PKCS#11 slot's token for the MCP server, which takes no module path from an agent), what it offers, and
/// creation through <see cref="WalletUseCases.CreateOnToken"/>.
/// </summary>
public sealed class OnTokenUseCases
{
    private readonly WalletVault _vault;
    private readonly WalletUseCases _wallets;
    private readonly Func<UnlockOptions> _unlock;

    /// <summary>Binds the vault (for its slot table), the wallet use cases and how each operation unlocks.</summary>
    internal OnTokenUseCases(WalletVault vault, WalletUseCases wallets, Func<UnlockOptions> unlock)
    {
        _vault = vault;
        _wallets = wallets;
        _unlock = unlock;
    }

    /// <summary>
    /// The token of the vault's first PKCS#11 slot, or null when the vault has none (then no agent can create on-token
    /// wallets). Read without unlocking (for status); creation reads the slot table from an unlocked, authenticated vault.
    /// </summary>
    public TokenKeyReference? ServerToken(string keyLabel) =>
        ServerToken(_vault.Exists ? _vault.ListSlots() : [], keyLabel);

    private static TokenKeyReference? ServerToken(IReadOnlyList<SlotInfo> slots, string keyLabel)
    {
        var slot = slots.FirstOrDefault(candidate => candidate.Kind == Pkcs11KeyProvider.KindName);
        if (slot?.Parameters["token"] is not JsonObject token)
        {
            return null;
        }

        var configuration = Pkcs11SlotConfiguration.FromJson(token);
        return new TokenKeyReference(Pkcs11TokenKeys.KindName, configuration.ModulePath, configuration.TokenLabel, configuration.TokenSerial, keyLabel, null);
    }

    /// <summary>What the server's token offers for on-token keys, or null when the vault has no PKCS#11 slot.</summary>
    public OnTokenStatus? Status()
    {
        var token = ServerToken("probe");
        if (token is null || _wallets.Tokens is not { } signer)
        {
            return null;
        }

        var name = token.TokenLabel ?? token.TokenSerial!;
        try
        {
            var capabilities = signer.Tokens.Probe(token);
            return new OnTokenStatus(name, capabilities.Offered, capabilities.Missing, null);
        }
        catch (Exception error) when (error is Core.Unlocking.KeyProviderUnavailableException or InvalidInputException)
        {
            return new OnTokenStatus(name, [], new Dictionary<string, string>(), error.Message);
        }
    }

    /// <summary>
    /// Creates wallet <paramref name="name"/> with its key pair generated on the chosen token (<paramref name="choice"/>,
    /// or the vault's PKCS#11 slot's token when it names no module).
    /// </summary>
    public WalletInfo Create(string name, string keyType, string network, OnTokenChoice? choice, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(name);
        var keyLabel = choice?.KeyLabel ?? $"hsmwallet-{name}";
        TokenKeyReference token;
        if (choice?.Module is { } module)
        {
            // Validated as the unlocker validates its token options (absolute module, exactly one of label and serial).
            var configuration = new Pkcs11SlotConfiguration(module, choice.TokenLabel, choice.TokenSerial, keyLabel, null, Pkcs11WrapMode.AesGcm);
            token = new TokenKeyReference(Pkcs11TokenKeys.KindName, configuration.ModulePath, configuration.TokenLabel, configuration.TokenSerial, keyLabel, null);
        }
        else
        {
            // The slot table as the unlock authenticated it: an edited vault.json cannot point new keys at another module.
            token = ServerToken(_vault.Read(_unlock(), vault => vault.Slots), keyLabel)
                ?? throw new InvalidInputException("on_token", "needs a token: this vault has no PKCS#11 slot, so name one with --module and --token-label or --token-serial");
        }

        return _wallets.CreateOnToken(name, keyType, network, token, context);
    }
}
