using HsmWallet.Core;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>Moves the sealed object's public and private areas between ESAPI structures and their wire form (tpm2-tools' -u/-r files).</summary>
internal static unsafe class TpmBlobs
{
    /// <summary>TPM2B_PUBLIC to wire bytes.</summary>
    public static byte[] MarshalPublic(Tpm2bPublic* source)
    {
        var buffer = new byte[sizeof(Tpm2bPublic)];
        nuint offset = 0;
        uint responseCode;
        fixed (byte* destination = buffer)
        {
            responseCode = MarshallingNative.MarshalPublic(source, destination, (nuint)buffer.Length, &offset);
        }

        return responseCode == 0 ? buffer[..(int)offset] : throw TpmResponseCodes.ToException(responseCode, "public blob encoding", lockout: null);
    }

    /// <summary>TPM2B_PRIVATE to wire bytes.</summary>
    public static byte[] MarshalPrivate(Tpm2bPrivate* source)
    {
        var buffer = new byte[sizeof(Tpm2bPrivate)];
        nuint offset = 0;
        uint responseCode;
        fixed (byte* destination = buffer)
        {
            responseCode = MarshallingNative.MarshalPrivate(source, destination, (nuint)buffer.Length, &offset);
        }

        return responseCode == 0 ? buffer[..(int)offset] : throw TpmResponseCodes.ToException(responseCode, "private blob encoding", lockout: null);
    }

    /// <summary>Wire bytes to TPM2B_PUBLIC; the whole input must be one structure.</summary>
    public static Tpm2bPublic UnmarshalPublic(ReadOnlySpan<byte> wire)
    {
        var result = default(Tpm2bPublic);
        nuint offset = 0;
        uint responseCode;
        fixed (byte* source = wire)
        {
            responseCode = MarshallingNative.UnmarshalPublic(source, (nuint)wire.Length, &offset, &result);
        }

        return responseCode == 0 && offset == (nuint)wire.Length
            ? result
            : throw new InvalidInputException("tpm.public", "must be one TPM2B_PUBLIC in TPM wire format");
    }

    /// <summary>Wire bytes to TPM2B_PRIVATE; the whole input must be one structure.</summary>
    public static Tpm2bPrivate UnmarshalPrivate(ReadOnlySpan<byte> wire)
    {
        var result = default(Tpm2bPrivate);
        nuint offset = 0;
        uint responseCode;
        fixed (byte* source = wire)
        {
            responseCode = MarshallingNative.UnmarshalPrivate(source, (nuint)wire.Length, &offset, &result);
        }

        return responseCode == 0 && offset == (nuint)wire.Length
            ? result
            : throw new InvalidInputException("tpm.private", "must be one TPM2B_PRIVATE in TPM wire format");
    }
}
