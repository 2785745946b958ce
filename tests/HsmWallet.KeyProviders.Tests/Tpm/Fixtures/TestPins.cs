using System.Text;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tests.Tpm.Fixtures;

/// <summary>PINs, keys and a cheap Argon2id cost so TPM tests spend their time in the TPM.</summary>
public static class TestPins
{
    public static readonly TpmPinKdfCost CheapCost = new(64, 1, 1);

    public static byte[] Pin(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] VaultKey(byte seed)
    {
        var key = new byte[32];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(seed + (i * 7));
        }

        return key;
    }

    public static TpmSealer Sealer() => new(new LibArgon2PinHasher());
}
