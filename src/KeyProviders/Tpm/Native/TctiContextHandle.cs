using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>Owns a TSS2_TCTI_CONTEXT so the transport (socket or device file) is always closed.</summary>
internal sealed class TctiContextHandle : SafeHandle
{
    /// <summary>Creates an empty handle for the marshaller to fill.</summary>
    public TctiContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        var context = handle;
        TctiLoaderNative.Finalize(ref context);
        return true;
    }
}
