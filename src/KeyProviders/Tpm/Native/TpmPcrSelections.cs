using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>TPMS_PCR_SELECTION: one bank and a bitmap of its PCRs.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TpmsPcrSelection
{
    /// <summary>The bank's hash algorithm.</summary>
    public ushort Hash;

    /// <summary>Bytes used in <see cref="PcrSelect"/> (3 for 24 PCRs).</summary>
    public byte SizeOfSelect;

    /// <summary>Bit n of byte n/8 selects PCR n.</summary>
    public fixed byte PcrSelect[4];
}

/// <summary>The 16 selections of a TPML_PCR_SELECTION (TPM2_NUM_PCR_BANKS).</summary>
[InlineArray(16)]
internal struct PcrSelectionArray
{
    private TpmsPcrSelection element;
}

/// <summary>TPML_PCR_SELECTION: the banks and PCRs a policy binds to (132 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmlPcrSelection
{
    /// <summary>Selections used.</summary>
    public uint Count;

    /// <summary>The selections.</summary>
    public PcrSelectionArray Selections;
}
