using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.LowLevelAPI80;
using Net.Pkcs11Interop.LowLevelAPI80.MechanismParams;

namespace HsmWallet.KeyProviders.Pkcs11.Session;

/// <summary>
/// Makes the native AOT compiler emit the structure marshalling data Pkcs11Interop needs. Pkcs11Interop copies its
/// structures with Marshal.SizeOf(Type), PtrToStructure(IntPtr, Type) and StructureToPtr(object): the compiler cannot
/// see which types reach those calls and, unless told, emits no marshalling data for them, so in the native binary
/// loading a module failed with "CK_FUNCTION_LIST is missing structure marshalling data" (and attributes with
/// "System.UInt64 ..."). Naming each type here once, in calls the compiler resolves, emits that data; the library's
/// own calls then find it. Its function pointers need nothing: every Pkcs11Interop delegate type carries
/// [UnmanagedFunctionPointer], for which the compiler always emits marshalling stubs. Under the JIT this is a no-op.
/// </summary>
internal static class Pkcs11MarshallingData
{
    // Internal to Pkcs11Interop, so named by a constant string: the compiler resolves a constant Type.GetType.
    private const string FunctionList = "Net.Pkcs11Interop.LowLevelAPI80.CK_FUNCTION_LIST, Pkcs11Interop";

    private static readonly Lazy<Type[]> Prepared = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Checks, before a module is loaded, that this build can marshal every Pkcs11Interop structure; a build that
    /// cannot is refused with a clear error instead of failing half-way through a token operation.
    /// </summary>
    internal static void Ensure()
    {
        try
        {
            _ = Prepared.Value;
        }
        catch (NotSupportedException error)
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.ModuleNotFound, "this build of HsmWallet cannot marshal Pkcs11Interop's structures (native AOT marshalling data missing)", default, null, error);
        }
    }

    /// <summary>
    /// The types prepared: every structure of Pkcs11Interop's low-level API for 64-bit Unix (LowLevelAPI80, the one
    /// it picks on linux-x64), its internal function list, and the integers its attribute conversions measure.
    /// </summary>
    internal static IReadOnlyList<Type> Types => Prepared.Value;

    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "The type is a constant the compiler resolves, so it emits the marshalling data; tools/aot-check.sh loads a module and signs through it in the native binary.")]
    private static Type[] Prepare()
    {
        var functionList = Type.GetType(FunctionList, throwOnError: true)!;
        _ = Marshal.SizeOf(functionList);
        var types = new List<Type> { functionList };
        Add<ulong>(types);
        Add<uint>(types);
        Add<CK_ATTRIBUTE>(types);
        Add<CK_INFO>(types);
        Add<CK_MECHANISM>(types);
        Add<CK_MECHANISM_INFO>(types);
        Add<CK_SESSION_INFO>(types);
        Add<CK_SLOT_INFO>(types);
        Add<CK_TOKEN_INFO>(types);
        Add<CK_VERSION>(types);
        Add<CK_AES_CBC_ENCRYPT_DATA_PARAMS>(types);
        Add<CK_AES_CTR_PARAMS>(types);
        Add<CK_ARIA_CBC_ENCRYPT_DATA_PARAMS>(types);
        Add<CK_CAMELLIA_CBC_ENCRYPT_DATA_PARAMS>(types);
        Add<CK_CAMELLIA_CTR_PARAMS>(types);
        Add<CK_CCM_PARAMS>(types);
        Add<CK_CMS_SIG_PARAMS>(types);
        Add<CK_DES_CBC_ENCRYPT_DATA_PARAMS>(types);
        Add<CK_DSA_PARAMETER_GEN_PARAM>(types);
        Add<CK_ECDH_AES_KEY_WRAP_PARAMS>(types);
        Add<CK_ECDH1_DERIVE_PARAMS>(types);
        Add<CK_ECDH2_DERIVE_PARAMS>(types);
        Add<CK_ECMQV_DERIVE_PARAMS>(types);
        Add<CK_EXTRACT_PARAMS>(types);
        Add<CK_GCM_PARAMS>(types);
        Add<CK_GOSTR3410_DERIVE_PARAMS>(types);
        Add<CK_GOSTR3410_KEY_WRAP_PARAMS>(types);
        Add<CK_KEA_DERIVE_PARAMS>(types);
        Add<CK_KEY_DERIVATION_STRING_DATA>(types);
        Add<CK_KEY_WRAP_SET_OAEP_PARAMS>(types);
        Add<CK_KIP_PARAMS>(types);
        Add<CK_MAC_GENERAL_PARAMS>(types);
        Add<CK_OTP_PARAM>(types);
        Add<CK_OTP_PARAMS>(types);
        Add<CK_OTP_SIGNATURE_INFO>(types);
        Add<CK_PBE_PARAMS>(types);
        Add<CK_PKCS5_PBKD2_PARAMS>(types);
        Add<CK_PKCS5_PBKD2_PARAMS2>(types);
        Add<CK_RC2_CBC_PARAMS>(types);
        Add<CK_RC2_MAC_GENERAL_PARAMS>(types);
        Add<CK_RC2_PARAMS>(types);
        Add<CK_RC5_CBC_PARAMS>(types);
        Add<CK_RC5_MAC_GENERAL_PARAMS>(types);
        Add<CK_RC5_PARAMS>(types);
        Add<CK_RSA_AES_KEY_WRAP_PARAMS>(types);
        Add<CK_RSA_PKCS_OAEP_PARAMS>(types);
        Add<CK_RSA_PKCS_PSS_PARAMS>(types);
        Add<CK_SEED_CBC_ENCRYPT_DATA_PARAMS>(types);
        Add<CK_SKIPJACK_PRIVATE_WRAP_PARAMS>(types);
        Add<CK_SKIPJACK_RELAYX_PARAMS>(types);
        Add<CK_SSL3_KEY_MAT_OUT>(types);
        Add<CK_SSL3_KEY_MAT_PARAMS>(types);
        Add<CK_SSL3_MASTER_KEY_DERIVE_PARAMS>(types);
        Add<CK_SSL3_RANDOM_DATA>(types);
        Add<CK_TLS_KDF_PARAMS>(types);
        Add<CK_TLS_MAC_PARAMS>(types);
        Add<CK_TLS_PRF_PARAMS>(types);
        Add<CK_TLS12_KEY_MAT_PARAMS>(types);
        Add<CK_TLS12_MASTER_KEY_DERIVE_PARAMS>(types);
        Add<CK_WTLS_KEY_MAT_OUT>(types);
        Add<CK_WTLS_KEY_MAT_PARAMS>(types);
        Add<CK_WTLS_MASTER_KEY_DERIVE_PARAMS>(types);
        Add<CK_WTLS_PRF_PARAMS>(types);
        Add<CK_WTLS_RANDOM_DATA>(types);
        Add<CK_X9_42_DH1_DERIVE_PARAMS>(types);
        Add<CK_X9_42_DH2_DERIVE_PARAMS>(types);
        Add<CK_X9_42_MQV_DERIVE_PARAMS>(types);
        return [.. types];
    }

    private static void Add<T>(List<Type> types)
        where T : struct
    {
        _ = Marshal.SizeOf<T>();
        types.Add(typeof(T));
    }
}
