namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Whether an unlocker can work now and, if not, why in words an operator can act on (`server_status`
/// reports it per kind); never contains a secret.
/// </summary>
/// <param name="IsHealthy">True when an unlock could be attempted now.</param>
/// <param name="Detail">A short explanation, e.g. "libargon2 found" or "token not present".</param>
public sealed record KeyProviderHealth(bool IsHealthy, string Detail)
{
    /// <summary>A healthy report with a detail.</summary>
    public static KeyProviderHealth Healthy(string detail) => new(true, detail);

    /// <summary>An unhealthy report with the reason.</summary>
    public static KeyProviderHealth Unhealthy(string detail) => new(false, detail);
}
