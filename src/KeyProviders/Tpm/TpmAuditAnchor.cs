using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// The audit log's anchor in a TPM NV counter index: a value only TPM2_NV_Increment can change and only
/// upwards, so restoring an older copy of both the log and its head record is detected. The index is
/// defined (owner hierarchy, empty auth, no dictionary-attack counting) the first time it is missing;
/// each call opens its own connection, so nothing is held between appends.
/// </summary>
public sealed unsafe class TpmAuditAnchor : IAuditAnchor
{
    /// <summary>The slot parameter that names the NV index explicitly (a number, or a "0x..." string).</summary>
    public const string NvIndexParameter = "audit_nv_index";

    /// <summary>The first handle of the owner's NV index range (TCG handle registry).</summary>
    public const uint OwnerRangeFirst = 0x01000000;

    /// <summary>The last handle of the owner's NV index range.</summary>
    public const uint OwnerRangeLast = 0x013FFFFF;

    // TPMA_NV: OWNERWRITE | AUTHWRITE | TPM_NT_COUNTER | OWNERREAD | AUTHREAD | NO_DA. Not ORDERLY: an
    // orderly counter may jump ahead after an unclean shutdown, and the head expects steps of one.
    private const uint CounterAttributes = 0x00000002 | 0x00000004 | 0x00000010 | 0x00020000 | 0x00040000 | 0x02000000;
    private const uint NvUninitialized = 0x14A;

    /// <summary>Anchors in the counter at <paramref name="nvIndex"/> of the TPM reached through <paramref name="tcti"/>.</summary>
    public TpmAuditAnchor(string tcti, uint nvIndex)
    {
        ArgumentException.ThrowIfNullOrEmpty(tcti);
        if (nvIndex is < OwnerRangeFirst or > OwnerRangeLast)
        {
            throw new InvalidInputException(NvIndexParameter, "must be an owner NV index between 0x01000000 and 0x013fffff");
        }

        TpmConnection.RequireKnownTcti(tcti);
        Tcti = tcti;
        NvIndex = nvIndex;
    }

    /// <summary>The TCTI of the TPM holding the counter.</summary>
    public string Tcti { get; }

    /// <summary>The counter's NV index.</summary>
    public uint NvIndex { get; }

    /// <summary>
    /// The anchor of a vault's TPM slot: that slot's TCTI ($HSMWALLET_TPM_TCTI overrides it, as at unlock) and
    /// the NV index its "audit_nv_index" parameter names, else one derived from its sealed object, so each
    /// vault on a TPM has its own counter.
    /// </summary>
    public static TpmAuditAnchor ForSlot(JsonObject slotParameters)
    {
        ArgumentNullException.ThrowIfNull(slotParameters);
        var slotTcti = slotParameters["tcti"] is JsonValue tctiValue && tctiValue.TryGetValue<string>(out var text) ? text : null;
        var tcti = Environment.GetEnvironmentVariable(TpmTcti.EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : slotTcti ?? throw new InvalidInputException("tpm.tcti", "must be present");
        return new TpmAuditAnchor(tcti, IndexFor(slotParameters));
    }

    /// <summary>The NV index for a TPM slot: the explicit parameter, else the owner range plus 22 bits of SHA-256 of the sealed public blob.</summary>
    public static uint IndexFor(JsonObject slotParameters)
    {
        ArgumentNullException.ThrowIfNull(slotParameters);
        switch (slotParameters[NvIndexParameter])
        {
            case JsonValue value when value.TryGetValue<long>(out var number):
                return number is >= OwnerRangeFirst and <= OwnerRangeLast
                    ? (uint)number
                    : throw new InvalidInputException(NvIndexParameter, "must be an owner NV index between 0x01000000 and 0x013fffff");
            case JsonValue value when value.TryGetValue<string>(out var hex)
                && hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && uint.TryParse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed):
                return parsed is >= OwnerRangeFirst and <= OwnerRangeLast
                    ? parsed
                    : throw new InvalidInputException(NvIndexParameter, "must be an owner NV index between 0x01000000 and 0x013fffff");
            case null:
                break;
            default:
                throw new InvalidInputException(NvIndexParameter, "must be a number or a 0x-prefixed hex string");
        }

        var publicBlob = slotParameters["public"] is JsonValue blob && blob.TryGetValue<string>(out var base64) ? base64 : null;
        if (string.IsNullOrEmpty(publicBlob))
        {
            throw new InvalidInputException("tpm.public", "must be present to derive the audit NV index");
        }

        var digest = SHA256.HashData(Convert.FromBase64String(publicBlob));
        return OwnerRangeFirst | (BinaryPrimitives.ReadUInt32BigEndian(digest) & (OwnerRangeLast - OwnerRangeFirst));
    }

    /// <inheritdoc />
    public ulong Read() => WithIndex((connection, handle) => ReadCounter(connection, handle));

    /// <inheritdoc />
    public ulong Increment() => WithIndex((connection, handle) =>
    {
        connection.Check(
            EsysNvNative.Increment(connection.Context, handle, handle, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None),
            "audit counter increment");
        return ReadCounter(connection, handle);
    });

    /// <summary>Deletes the counter (owner authorization); for tests and for an operator retiring a vault.</summary>
    public void Undefine()
    {
        lock (TpmAccessGate.For(Tcti))
        {
            using var connection = TpmConnection.Open(Tcti);
            if (!connection.PersistentHandleExists(NvIndex))
            {
                return;
            }

            var handle = OpenIndex(connection);
            connection.Check(
                EsysNvNative.UndefineSpace(connection.Context, EsysConstants.OwnerHierarchy, handle, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None),
                "audit counter removal");
        }
    }

    private T WithIndex<T>(Func<TpmConnection, uint, T> use)
    {
        lock (TpmAccessGate.For(Tcti))
        {
            using var connection = TpmConnection.Open(Tcti);
            var handle = connection.PersistentHandleExists(NvIndex) ? OpenIndex(connection) : Define(connection);
            try
            {
                return use(connection, handle);
            }
            finally
            {
                _ = EsysNative.Close(connection.Context, &handle);
            }
        }
    }

    private uint OpenIndex(TpmConnection connection)
    {
        uint handle;
        connection.Check(
            EsysNative.FromTpmPublic(connection.Context, NvIndex, EsysConstants.None, EsysConstants.None, EsysConstants.None, &handle),
            "audit counter lookup");
        return handle;
    }

    private uint Define(TpmConnection connection)
    {
        var auth = default(Tpm2bDigest);
        var publicInfo = new Tpm2bNvPublic
        {
            NvPublic = new TpmsNvPublic
            {
                NvIndex = NvIndex,
                NameAlgorithm = EsysConstants.AlgorithmSha256,
                Attributes = CounterAttributes,
                DataSize = 8,
            },
        };
        uint handle;
        connection.Check(
            EsysNvNative.DefineSpace(
                connection.Context, EsysConstants.OwnerHierarchy, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None,
                &auth, &publicInfo, &handle),
            "audit counter definition");
        return handle;
    }

    private static ulong ReadCounter(TpmConnection connection, uint handle)
    {
        Tpm2bMaxNvBuffer* data = null;
        var responseCode = EsysNvNative.Read(
            connection.Context, handle, handle, EsysConstants.PasswordSession, EsysConstants.None, EsysConstants.None, 8, 0, &data);
        if ((responseCode & 0xFFF) == NvUninitialized)
        {
            return 0; // Defined but never incremented.
        }

        connection.Check(responseCode, "audit counter read");
        try
        {
            if (data->Size != 8)
            {
                throw new TpmUnlockException(TpmFailure.Other, "the audit counter index is not a counter", null);
            }

            return BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(data->Buffer, 8));
        }
        finally
        {
            EsysNative.Free(data);
        }
    }
}
