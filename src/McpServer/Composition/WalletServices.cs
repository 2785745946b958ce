using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// The composition root of one server process: the home, the vault bound to the unlockers, the audit session,
/// the ledger client and Core's use cases the tools call. Tools get this, never a key or an unlocker.
/// </summary>
public sealed class WalletServices : IDisposable
{
    private readonly KeyProviderRegistry _providers;

    /// <summary>Binds everything to <paramref name="options"/>; reads nothing yet (see <see cref="ZeroConfiguration"/>).</summary>
    public WalletServices(ServerOptions options, KeyProviderRegistry providers, TimeProvider? time = null, HttpMessageHandler? ledgerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Time = time ?? TimeProvider.System;
        Home = WalletHome.At(options.HomePath);
        _providers = providers;
        Vault = new WalletVault(Home, providers, Time);
        Audit = new AuditSessionStandIn(Vault);
        Ledger = new LedgerClient(options.Network, time: Time, handler: ledgerHandler);
    }

    /// <summary>What the server was started with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The clock (a fake one in tests of approval expiry).</summary>
    public TimeProvider Time { get; }

    /// <summary>The home folder.</summary>
    public WalletHome Home { get; }

    /// <summary>The vault; only Core's use cases and start-up touch it.</summary>
    internal WalletVault Vault { get; }

    /// <summary>The audit session, keyed by the first unlock.</summary>
    public AuditSessionStandIn Audit { get; }

    /// <summary>The ledger client for the chosen network.</summary>
    public LedgerClient Ledger { get; }

    /// <summary>The network's name (mainnet, testnet, devnet, custom).</summary>
    public string NetworkName => Options.Network.Name;

    /// <summary>How each operation unlocks: the files the server was started with, read afresh each time; never a prompt.</summary>
    public UnlockOptions Unlock() => new(
        SecretSourceChain.ForHost(new SecretOptions
        {
            PasswordFile = Options.PasswordFile,
            PinFile = Options.PinFile,
            KeyFile = Options.KeyFile,
            RecoveryKeyFile = Options.RecoveryKeyFile,
            AllowPrompt = false,
        }),
        Options.Slot);

    /// <summary>Whether the vault has a hardware or password slot, which mainnet wallets need.</summary>
    public bool HasStrongSlot()
    {
        var slots = Vault.ListSlots();
        return slots.Any(slot => (Options.Slot is null || slot.Id == Options.Slot) && (slot.IsHardwareBacked || slot.Kind == "password"))
            && (Options.Slot is not null || Options.KeyFile is null);
    }

    /// <summary>Each registered unlocker kind's health, checked now (devices can come and go).</summary>
    public IReadOnlyDictionary<string, bool> Health()
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (kind, health) in _providers.CheckHealth())
        {
            result[kind] = health.IsHealthy;
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Audit.Dispose();
        Ledger.Dispose();
    }
}
