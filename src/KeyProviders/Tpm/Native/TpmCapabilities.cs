using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>TPMS_TAGGED_PROPERTY: one TPM property and its value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmsTaggedProperty
{
    /// <summary>The TPM2_PT_ number.</summary>
    public uint Property;

    /// <summary>Its value.</summary>
    public uint Value;
}

/// <summary>The 127 entries of a TPML_TAGGED_TPM_PROPERTY (TPM2_MAX_TPM_PROPERTIES).</summary>
[InlineArray(127)]
internal struct TaggedPropertyArray
{
    private TpmsTaggedProperty element;
}

/// <summary>TPML_TAGGED_TPM_PROPERTY: properties returned by GetCapability(TPM_PROPERTIES).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmlTaggedTpmProperty
{
    /// <summary>Entries used.</summary>
    public uint Count;

    /// <summary>The entries.</summary>
    public TaggedPropertyArray Properties;
}

/// <summary>The 254 entries of a TPML_HANDLE (TPM2_MAX_CAP_HANDLES).</summary>
[InlineArray(254)]
internal struct HandleArray
{
    private uint element;
}

/// <summary>TPML_HANDLE: handles returned by GetCapability(HANDLES).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TpmlHandle
{
    /// <summary>Entries used.</summary>
    public uint Count;

    /// <summary>The handles.</summary>
    public HandleArray Handles;
}

/// <summary>TPMS_CAPABILITY_DATA: the capability tag and the union of lists, at offset 4.</summary>
[StructLayout(LayoutKind.Explicit, Size = 1032)]
internal struct TpmsCapabilityData
{
    /// <summary>Which list the union holds.</summary>
    [FieldOffset(0)]
    public uint Capability;

    /// <summary>The union read as TPM properties.</summary>
    [FieldOffset(4)]
    public TpmlTaggedTpmProperty TpmProperties;

    /// <summary>The union read as handles.</summary>
    [FieldOffset(4)]
    public TpmlHandle Handles;
}
