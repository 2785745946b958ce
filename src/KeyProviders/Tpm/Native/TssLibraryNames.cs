namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>Names the tpm2-tss shared objects once, so every import binds to the same Debian sonames.</summary>
internal static class TssLibraryNames
{
    /// <summary>The enhanced system API (ESAPI): sessions, parameter encryption, object metadata.</summary>
    public const string Esys = "libtss2-esys.so.0";

    /// <summary>The TCTI loader: turns a configuration string into a transport to the TPM.</summary>
    public const string TctiLoader = "libtss2-tctildr.so.0";

    /// <summary>The marshalling library: TPM wire format, the blob format tpm2-tools reads.</summary>
    public const string Marshalling = "libtss2-mu.so.0";

    /// <summary>The C library, whose environment (not .NET's copy) tpm2-tss reads with getenv.</summary>
    public const string C = "libc.so.6";
}
