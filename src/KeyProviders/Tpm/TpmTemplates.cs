using System.Buffers.Binary;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// The two public templates, written in TPM wire format (Part 2 of the specification) and loaded
/// into the C structure by libtss2-mu: no hand-written union layout.
/// </summary>
internal static class TpmTemplates
{
    /// <summary>fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | decrypt: tpm2-tools' default for primaries.</summary>
    private const uint StorageKeyAttributes = 0x00030072;

    private const uint FixedTpm = 0x00000002;
    private const uint FixedParent = 0x00000010;
    private const uint UserWithAuth = 0x00000040;

    /// <summary>
    /// The ECC P-256 storage primary, the same as `tpm2_createprimary -C o -G ecc256`: AES-128-CFB
    /// for children, no scheme, no KDF, empty unique. The same template gives the same key.
    /// </summary>
    public static byte[] StoragePrimary()
    {
        var wire = new byte[26];
        var span = wire.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span[0..], EsysConstants.AlgorithmEcc);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], EsysConstants.AlgorithmSha256);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], StorageKeyAttributes);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], 0); // authPolicy: empty
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], EsysConstants.AlgorithmAes);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], 128);
        BinaryPrimitives.WriteUInt16BigEndian(span[14..], EsysConstants.AlgorithmCfb);
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], EsysConstants.AlgorithmNull); // scheme
        BinaryPrimitives.WriteUInt16BigEndian(span[18..], EsysConstants.CurveNistP256);
        BinaryPrimitives.WriteUInt16BigEndian(span[20..], EsysConstants.AlgorithmNull); // kdf
        BinaryPrimitives.WriteUInt16BigEndian(span[22..], 0); // unique.x
        BinaryPrimitives.WriteUInt16BigEndian(span[24..], 0); // unique.y
        return wire;
    }

    /// <summary>
    /// A sealed data object (keyedhash, no scheme) bound to this TPM and parent. With a policy it
    /// is usable only through that policy (userWithAuth clear); without one, through its auth value.
    /// DA protection stays on (noDA clear), so wrong PINs count toward the TPM's lockout.
    /// </summary>
    public static byte[] SealedData(ReadOnlySpan<byte> authPolicy)
    {
        var wire = new byte[14 + authPolicy.Length];
        var span = wire.AsSpan();
        var attributes = FixedTpm | FixedParent | (authPolicy.IsEmpty ? UserWithAuth : 0);
        BinaryPrimitives.WriteUInt16BigEndian(span[0..], EsysConstants.AlgorithmKeyedHash);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], EsysConstants.AlgorithmSha256);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], attributes);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], checked((ushort)authPolicy.Length));
        authPolicy.CopyTo(span[10..]);
        var rest = span[(10 + authPolicy.Length)..];
        BinaryPrimitives.WriteUInt16BigEndian(rest[0..], EsysConstants.AlgorithmNull); // keyedhash scheme
        BinaryPrimitives.WriteUInt16BigEndian(rest[2..], 0); // unique: empty digest
        return wire;
    }

    /// <summary>Loads a wire-format TPMT_PUBLIC into the C TPM2B_PUBLIC ESAPI takes.</summary>
    public static unsafe Tpm2bPublic ToNative(byte[] wire)
    {
        var result = default(Tpm2bPublic);
        nuint offset = 0;
        uint responseCode;
        fixed (byte* source = wire)
        {
            responseCode = MarshallingNative.UnmarshalPublicArea(source, (nuint)wire.Length, &offset, result.PublicArea);
        }

        if (responseCode != 0 || offset != (nuint)wire.Length)
        {
            throw TpmResponseCodes.ToException(responseCode, "template encoding", lockout: null);
        }

        result.Size = checked((ushort)wire.Length);
        return result;
    }
}
