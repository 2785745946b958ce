using System.Security.Cryptography;
using System.Text;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.Session;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class SessionRecoveryTests(SoftHsmFixture softHsm)
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("slot:3|format:1");

    [Fact]
    public void Sessions_closed_behind_the_pools_back_are_replaced_after_one_re_initialisation()
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.AesGcm, vaultKey, AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        var module = Pkcs11Module.For(SoftHsmFixture.ModulePath);
        var generation = module.Generation;

        // Every pooled session handle becomes invalid (CKR_SESSION_HANDLE_INVALID on next use).
        module.Execute(softHsm.AesGcm, token =>
        {
            token.Slot.CloseAllSessions();
            return true;
        });
        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(softHsm.AesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);

        Assert.Equal(vaultKey, unwrapped);
        Assert.True(module.Generation > generation);
    }

    [Fact]
    public void After_an_unwrap_the_token_is_logged_out()
    {
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.AesGcm, RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        Pkcs11Unlocker.Unwrap(softHsm.AesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, new byte[32]);

        var (holders, state) = Pkcs11Module.For(SoftHsmFixture.ModulePath).Execute(softHsm.AesGcm, token =>
            token.WithSession(session => (token.LoginGate.Holders, session.GetSessionInfo().State)));

        Assert.Equal(0, holders);
        Assert.Equal(Net.Pkcs11Interop.Common.CKS.CKS_RO_PUBLIC_SESSION, state);
    }
}
