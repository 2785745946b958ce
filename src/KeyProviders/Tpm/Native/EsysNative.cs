using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Tpm.Native;

/// <summary>
/// The ESAPI calls the sealer uses, one to one with tss2_esys.h. Every output pointer the library
/// fills is owned by the caller and must go back through <see cref="Free"/>; outputs passed as null
/// are freed by the library itself.
/// </summary>
internal static unsafe partial class EsysNative
{
    /// <summary>Esys_Initialize: binds an ESAPI context to an open transport.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Initialize")]
    public static partial uint Initialize(out EsysContextHandle context, TctiContextHandle tcti, void* abiVersion);

    /// <summary>Esys_Finalize: frees the context and every object and session record it still holds.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Finalize")]
    public static partial void Finalize(ref IntPtr context);

    /// <summary>Esys_Free: frees one library-allocated output.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Free")]
    public static partial void Free(void* pointer);

    /// <summary>Esys_CreatePrimary: derives a primary key from the hierarchy seed and a template.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_CreatePrimary")]
    public static partial uint CreatePrimary(
        EsysContextHandle context, uint primaryHandle, uint session1, uint session2, uint session3,
        Tpm2bSensitiveCreate* inSensitive, Tpm2bPublic* inPublic, Tpm2bData* outsideInfo, TpmlPcrSelection* creationPcr,
        uint* objectHandle, Tpm2bPublic** outPublic, void** creationData, Tpm2bDigest** creationHash, void** creationTicket);

    /// <summary>Esys_Create: creates an object under a parent and returns it wrapped by the parent.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Create")]
    public static partial uint Create(
        EsysContextHandle context, uint parentHandle, uint session1, uint session2, uint session3,
        Tpm2bSensitiveCreate* inSensitive, Tpm2bPublic* inPublic, Tpm2bData* outsideInfo, TpmlPcrSelection* creationPcr,
        Tpm2bPrivate** outPrivate, Tpm2bPublic** outPublic, void** creationData, Tpm2bDigest** creationHash, void** creationTicket);

    /// <summary>Esys_Load: loads a wrapped object under its parent into a transient slot.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Load")]
    public static partial uint Load(
        EsysContextHandle context, uint parentHandle, uint session1, uint session2, uint session3,
        Tpm2bPrivate* inPrivate, Tpm2bPublic* inPublic, uint* objectHandle);

    /// <summary>Esys_Unseal: returns the data of a sealed data object once its authorization holds.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_Unseal")]
    public static partial uint Unseal(
        EsysContextHandle context, uint itemHandle, uint session1, uint session2, uint session3, Tpm2bSensitiveData** outData);

    /// <summary>Esys_FlushContext: frees a transient object or session slot in the TPM.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_FlushContext")]
    public static partial uint FlushContext(EsysContextHandle context, uint flushHandle);

    /// <summary>Esys_TR_SetAuth: tells ESAPI the auth value to use in HMACs for an object.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_TR_SetAuth")]
    public static partial uint SetAuth(EsysContextHandle context, uint handle, Tpm2bDigest* authValue);

    /// <summary>Esys_TR_FromTPMPublic: makes an ESAPI handle for an existing TPM handle (a persistent key).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_TR_FromTPMPublic")]
    public static partial uint FromTpmPublic(
        EsysContextHandle context, uint tpmHandle, uint session1, uint session2, uint session3, uint* objectHandle);

    /// <summary>Esys_TR_Close: forgets an ESAPI handle without touching the TPM (for persistent objects).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_TR_Close")]
    public static partial uint Close(EsysContextHandle context, uint* handle);

    /// <summary>Esys_StartAuthSession: starts an HMAC, policy or trial session, optionally salted.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_StartAuthSession")]
    public static partial uint StartAuthSession(
        EsysContextHandle context, uint tpmKey, uint bind, uint session1, uint session2, uint session3,
        Tpm2bDigest* nonceCaller, byte sessionType, TpmtSymDef* symmetric, ushort authHash, uint* sessionHandle);

    /// <summary>Esys_TRSess_SetAttributes: sets continueSession, decrypt and encrypt on a session.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_TRSess_SetAttributes")]
    public static partial uint SetSessionAttributes(EsysContextHandle context, uint session, byte flags, byte mask);

    /// <summary>Esys_PolicyPCR: binds a policy session to PCR values (the current ones when the digest is empty).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_PolicyPCR")]
    public static partial uint PolicyPcr(
        EsysContextHandle context, uint policySession, uint session1, uint session2, uint session3,
        Tpm2bDigest* pcrDigest, TpmlPcrSelection* pcrs);

    /// <summary>Esys_PolicyAuthValue: requires the object's auth value (the PIN) in the policy.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_PolicyAuthValue")]
    public static partial uint PolicyAuthValue(EsysContextHandle context, uint policySession, uint session1, uint session2, uint session3);

    /// <summary>Esys_PolicyGetDigest: reads a trial session's digest to store as an authPolicy.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_PolicyGetDigest")]
    public static partial uint PolicyGetDigest(
        EsysContextHandle context, uint policySession, uint session1, uint session2, uint session3, Tpm2bDigest** policyDigest);

    /// <summary>Esys_GetCapability: reads TPM properties and handle lists for status reports.</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_GetCapability")]
    public static partial uint GetCapability(
        EsysContextHandle context, uint session1, uint session2, uint session3,
        uint capability, uint property, uint propertyCount, byte* moreData, TpmsCapabilityData** capabilityData);

    /// <summary>Esys_EvictControl: makes a transient key persistent (or removes a persistent one).</summary>
    [LibraryImport(TssLibraryNames.Esys, EntryPoint = "Esys_EvictControl")]
    public static partial uint EvictControl(
        EsysContextHandle context, uint auth, uint objectHandle, uint session1, uint session2, uint session3,
        uint persistentHandle, uint* newObjectHandle);
}
