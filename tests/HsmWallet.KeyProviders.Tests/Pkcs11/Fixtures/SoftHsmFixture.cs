using System.Runtime.InteropServices;
using System.Text;
using HsmWallet.KeyProviders.Pkcs11;

namespace HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

/// <summary>
/// A private SoftHSM2 for the test run: its own config file and token directory under /tmp, SOFTHSM2_CONF set
/// with libc setenv (the module reads it with getenv, which Environment.SetEnvironmentVariable does not reach),
/// one token with an AES key, a P-256 pair and an RSA pair, and a second token the removal tests take away.
/// Everything is deleted afterwards.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string TokenLabel = "hsmwallet-test";
    public const string RemovableTokenLabel = "hsmwallet-removable";
    public const string AesKeyLabel = "vault-aes";
    public const string EcKeyLabel = "vault-ec";
    public const string RsaKeyLabel = "vault-rsa";

    public static readonly byte[] UserPin = Encoding.ASCII.GetBytes("314159");
    public static readonly byte[] SecurityOfficerPin = Encoding.ASCII.GetBytes("27182818");

    public SoftHsmFixture()
    {
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"{ModulePath} is missing: install the softhsm2 package (tools/test.sh does)");
        }

        Root = Directory.CreateTempSubdirectory("hsmwallet-softhsm-").FullName;
        TokenDirectory = Path.Combine(Root, "tokens");
        Directory.CreateDirectory(TokenDirectory);
        var configPath = Path.Combine(Root, "softhsm2.conf");
        File.WriteAllText(configPath, $"directories.tokendir = {TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n");
        if (SetEnvironment("SOFTHSM2_CONF", configPath, 1) != 0)
        {
            throw new InvalidOperationException("setenv failed");
        }

        TokenSerial = Pkcs11Provisioner.InitializeToken(ModulePath, TokenLabel, SecurityOfficerPin, UserPin);
        var before = Directory.GetDirectories(TokenDirectory);
        Pkcs11Provisioner.InitializeToken(ModulePath, RemovableTokenLabel, SecurityOfficerPin, UserPin);
        RemovableTokenDirectory = Directory.GetDirectories(TokenDirectory).Except(before).Single();

        AesGcm = Configuration(AesKeyLabel, Pkcs11WrapMode.AesGcm);
        Ecies = Configuration(EcKeyLabel, Pkcs11WrapMode.Ecies);
        RsaOaep = Configuration(RsaKeyLabel, Pkcs11WrapMode.RsaOaep);
        RemovableAesGcm = new Pkcs11SlotConfiguration(ModulePath, RemovableTokenLabel, null, AesKeyLabel, null, Pkcs11WrapMode.AesGcm);
        Pkcs11Provisioner.GenerateKey(AesGcm, UserPin);
        EcPublicKeyPem = Pkcs11Provisioner.GenerateKey(Ecies, UserPin).PublicKeyPem!;
        // 2048 bits: SoftHSM2 takes seconds to find 3072-bit primes; the engine's code path is the same.
        RsaPublicKeyPem = Pkcs11Provisioner.GenerateKey(RsaOaep, UserPin, rsaModulusBits: 2048).PublicKeyPem!;
        Pkcs11Provisioner.GenerateKey(RemovableAesGcm, UserPin);
    }

    public string Root { get; }

    public string TokenDirectory { get; }

    public string RemovableTokenDirectory { get; }

    public string TokenSerial { get; }

    public Pkcs11SlotConfiguration AesGcm { get; }

    public Pkcs11SlotConfiguration Ecies { get; }

    public Pkcs11SlotConfiguration RsaOaep { get; }

    public Pkcs11SlotConfiguration RemovableAesGcm { get; }

    public string EcPublicKeyPem { get; }

    public string RsaPublicKeyPem { get; }

    public static Pkcs11SlotConfiguration Configuration(string keyLabel, Pkcs11WrapMode mode) =>
        new(ModulePath, TokenLabel, null, keyLabel, null, mode);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

[CollectionDefinition(Name)]
public sealed class SoftHsmTests : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM2";
}
