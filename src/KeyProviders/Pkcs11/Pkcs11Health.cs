namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// The state of one configured token, for `slot test` and the MCP server_status tool: each step of an unwrap
/// that can be checked without using the key.
/// </summary>
/// <param name="ModuleLoaded">The module loaded and initialised.</param>
/// <param name="TokenPresent">A token with the configured label or serial is present.</param>
/// <param name="KeyFound">The key was found; null when it is private (aes-gcm keys) and no PIN was given to look for it.</param>
/// <param name="PinStatus">The token's user-PIN flags.</param>
/// <param name="Problem">What is wrong, in words; null when healthy.</param>
public sealed record Pkcs11Health(bool ModuleLoaded, bool TokenPresent, bool? KeyFound, Pkcs11PinStatus PinStatus, string? Problem)
{
    /// <summary>True when an unwrap can be expected to work (key found or unknowable without a PIN, PIN not locked).</summary>
    public bool Healthy => ModuleLoaded && TokenPresent && KeyFound != false && !PinStatus.Locked;
}
