using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.KeyProviders.Secp256k1;

/// <summary>
/// Puts the native libsecp256k1 engine in charge of secp256k1 signing when the library is installed and reproduces
/// the XRPL reference vector byte for byte; otherwise signing stays on the managed engine (slower, same bytes).
/// </summary>
public static class NativeSecp256k1
{
    /// <summary>The install hint for hosts that report which engine signs.</summary>
    public const string Missing = LibSecp256k1Engine.LibraryName + " is missing: secp256k1 signs with the managed engine, about 4x slower; install the Debian package libsecp256k1-1";

    // One context per process: the library's context lives until exit.
    private static readonly Lazy<LibSecp256k1Engine?> Engine = new(LibSecp256k1Engine.TryCreate);

    /// <summary>Offers the native engine, loaded and checked at the first secp256k1 operation, not now (start-up).</summary>
    public static void Offer() => Secp256k1Engines.Offer(() => Engine.Value);

    /// <summary>Loads, checks and installs the native engine now; true when it now signs.</summary>
    public static bool InstallIfPresent() => Engine.Value is { } engine && Secp256k1Engines.TryInstall(engine);
}
