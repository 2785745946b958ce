using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>Owns an ESYS_CONTEXT so its metadata (including cached auth values) is released.</summary>
internal sealed class EsysContextHandle : SafeHandle
{
    /// <summary>Creates an empty handle for the marshaller to fill.</summary>
    public EsysContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        var context = handle;
        EsysNative.Finalize(ref context);
        return true;
    }
}
