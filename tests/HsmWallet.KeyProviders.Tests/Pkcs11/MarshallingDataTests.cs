using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.LowLevelAPI80;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

public sealed class MarshallingDataTests
{
    [Fact]
    public void Every_structure_Pkcs11Interop_copies_on_64_bit_Linux_is_prepared_for_the_native_binary()
    {
        // The native AOT binary can copy only the structures named in Pkcs11MarshallingData: a Pkcs11Interop upgrade
        // that adds one must add it there too, or a token operation using it would fail in that binary alone.
        var structures = typeof(CK_ATTRIBUTE).Assembly.GetTypes()
            .Where(type => type.IsValueType && !type.IsEnum
                && type.Namespace is "Net.Pkcs11Interop.LowLevelAPI80" or "Net.Pkcs11Interop.LowLevelAPI80.MechanismParams")
            .ToList();

        Assert.Contains(structures, type => type.Name == "CK_FUNCTION_LIST");
        Assert.Contains(structures, type => type.Name == "CK_GCM_PARAMS");
        Assert.Empty(structures.Except(Pkcs11MarshallingData.Types));
        Assert.Contains(typeof(ulong), Pkcs11MarshallingData.Types);
    }
}
