using System.Globalization;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.KeyProviders.Tests.Vault;

public sealed class CrashSafetyTests : IDisposable
{
    // Four vaults side by side, 25 kills each: 100 kills while process start-up latency overlaps.
    private const int Lanes = 4;
    private const int KillsPerLane = 25;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_writer_killed_at_random_moments_leaves_a_vault_with_the_old_or_the_new_content()
    {
        var kills = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Lanes).Select(lane => new Thread(() =>
        {
            try
            {
                RunLane(lane, ref kills);
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
        Assert.Equal(Lanes * KillsPerLane, kills);
    }

    private void RunLane(int lane, ref int kills)
    {
        {
            var home = WalletHome.At(_directory.Combine("home" + lane.ToString(CultureInfo.InvariantCulture)));
            var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
            vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));
            var unlock = new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()));
            var random = new Random(20250601 + lane);
            var lastSeen = 0;

            for (var kill = 0; kill < KillsPerLane; kill++)
            {
                using var writer = TestHost.Start("churn", home.Root);
                var line = writer.StandardOutput.ReadLine();
                if (line != "ready")
                {
                    Assert.Fail("the writer did not start: " + writer.StandardError.ReadToEnd());
                }

                Thread.Sleep(random.Next(0, 40));
                writer.Kill();
                writer.WaitForExit();
                Interlocked.Increment(ref kills);

                // Each write replaces wN by wN+1 in one step: afterwards exactly one wallet, never none, never older.
                var wallet = Assert.Single(vault.ListWallets(unlock));
                var number = int.Parse(wallet.Name[1..], CultureInfo.InvariantCulture);
                Assert.True(number > lastSeen, "the vault went back to older content");
                lastSeen = number;
            }
        }
    }
}
