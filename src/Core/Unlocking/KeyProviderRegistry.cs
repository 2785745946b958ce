namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Maps a slot kind to a factory of its provider, so a host (CLI, MCP server, tests) decides which
/// unlockers exist and Core opens any slot without knowing the adapters.
/// </summary>
public sealed class KeyProviderRegistry
{
    private readonly Dictionary<string, Func<IKeyProvider>> _factories = new(StringComparer.Ordinal);

    /// <summary>The registered kinds, in registration order of their names.</summary>
    public IReadOnlyCollection<string> Kinds => _factories.Keys;

    /// <summary>Registers (or replaces) the factory for one kind.</summary>
    public KeyProviderRegistry Register(string kind, Func<IKeyProvider> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[kind] = factory;
        return this;
    }

    /// <summary>Creates the provider for a kind, or null when the host registered none.</summary>
    public IKeyProvider? TryCreate(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _factories.TryGetValue(kind, out var factory) ? factory() : null;
    }

    /// <summary>Each registered kind with its health, for `status` and the MCP `server_status` tool.</summary>
    public IReadOnlyList<(string Kind, KeyProviderHealth Health)> CheckHealth() =>
        [.. _factories.Select(pair => (pair.Key, SafeHealth(pair.Value)))];

    /// <summary>Creates the provider for a kind, or says which kinds exist.</summary>
    public IKeyProvider Create(string kind) =>
        TryCreate(kind) ?? throw new InvalidInputException("unlocker", $"must be one of: {string.Join(", ", _factories.Keys)}");

    private static KeyProviderHealth SafeHealth(Func<IKeyProvider> factory)
    {
        try
        {
            return factory().CheckHealth();
        }
        catch (Exception exception) when (exception is KeyProviderUnavailableException or InvalidOperationException or IOException or DllNotFoundException)
        {
            return KeyProviderHealth.Unhealthy(exception.Message);
        }
    }
}
