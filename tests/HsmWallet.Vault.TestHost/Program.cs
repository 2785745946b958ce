using System.Globalization;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;

// Usage:
//   churn HOME    rewrite the vault forever: each write adds wallet wN+1 and deletes wN
//   create HOME    create a key-file vault
//   add HOME PREFIX COUNT    add COUNT wallets named PREFIX-i, one write each
//   crash-setup HOME | crash-work HOME RUN SEQUENCE | crash-check HOME    the crash-consistency harness (CrashWorkload.cs)
//   ops HOME    one operation per line of stdin (the disk-full tests)
var mode = args[0];
switch (mode)
{
    case "crash-setup":
        return CrashWorkload.Setup(args[1]);
    case "crash-work":
        return await CrashWorkload.WorkAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), uint.Parse(args[3], CultureInfo.InvariantCulture));
    case "crash-check":
        return CrashWorkload.Check(args[1]);
    case "ops":
        return await CrashWorkload.OperationsAsync(args[1]);
}

var vault = new WalletVault(WalletHome.At(args[1]), StandardKeyProviders.CreateRegistry());
var unlock = new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()));
var secret = new byte[16];

switch (mode)
{
    case "churn":
        for (var first = true; ; first = false)
        {
            vault.Update(unlock, unlocked =>
            {
                var existing = unlocked.Wallets;
                var next = existing.Count == 0 ? 1 : existing.Max(wallet => int.Parse(wallet.Name[1..], CultureInfo.InvariantCulture)) + 1;
                unlocked.AddWallet(new WalletDescription("w" + next.ToString(CultureInfo.InvariantCulture), "ed25519", "testnet", Address(next), "ED00"), secret);
                foreach (var wallet in existing)
                {
                    unlocked.DeleteWallet(wallet.Name);
                }

                return 0;
            });
            if (first)
            {
                Console.WriteLine("ready");
                Console.Out.Flush();
            }
        }

    case "add":
        var prefix = args[2];
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            vault.AddWallet(unlock, new WalletDescription($"{prefix}-{i}", "secp256k1", "testnet", $"r{prefix}{i:D6}".PadRight(30, 'x'), "02AB"), secret);
        }

        Console.WriteLine("done");
        return 0;

    case "create":
        vault.Create(new SecretSourceChain(), new HsmWallet.KeyProviders.KeyFile.KeyFileKeyProvider(vault.Home.DefaultKeyFilePath));
        return 0;

    default:
        Console.Error.WriteLine("unknown mode");
        return 2;
}

static string Address(int seed) => "r" + Convert.ToHexString(BitConverter.GetBytes(seed)).PadRight(30, 'x');
