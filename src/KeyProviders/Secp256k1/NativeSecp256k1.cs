using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.KeyProviders.Secp256k1;

/// <summary>
/// Puts the native libsecp256k1 engine in charge of secp256k1 signing when the library is installed and agrees with
/// the managed engine byte for byte; otherwise signing stays on the managed engine (slower, same bytes).
/// </summary>
public static class NativeSecp256k1
{
    private static readonly Lazy<bool> Installed = new(() => LibSecp256k1Engine.TryCreate() is { } engine && Secp256k1Engines.TryInstall(engine));

    /// <summary>The install hint for hosts that report which engine signs.</summary>
    public const string Missing = LibSecp256k1Engine.LibraryName + " is missing: secp256k1 signs with the managed engine, about 10x slower; install the Debian package libsecp256k1-1";

    /// <summary>Installs the native engine once per process; true when it now signs.</summary>
    public static bool InstallIfPresent() => Installed.Value;
}
