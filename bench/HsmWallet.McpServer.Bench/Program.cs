using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.OnToken;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// Usage: dotnet run --project bench/HsmWallet.McpServer.Bench -c Release [-- --starts N --signatures N] [--on-token-only]
//        [--state-scaling [--agents N --seconds N --latency-samples N]] (issue 19: instances on one PostgreSQL)
//        [--key-file-only] (issue 20: tx_sign on the file state store with the key-file slot, nothing else; for strace -c)
var starts = Option("--starts", 15);
var signatures = Option("--signatures", 200);
Console.WriteLine($"hsmwallet-mcp bench on {Environment.ProcessorCount} CPUs, {RuntimeInformation.OSDescription}");
if (Environment.GetCommandLineArgs().Contains("--state-scaling"))
{
    await StateScaling.RunAsync(Option("--agents", 6), Option("--seconds", 5), Option("--latency-samples", 100));
    Cleanup();
    return 0;
}

if (Environment.GetCommandLineArgs().Contains("--key-file-only"))
{
    Report("tx_sign round trip, key file, file state store (ms)", await SignRoundTripsAsync(_ => { }, options => options, signatures));
    Cleanup();
    return 0;
}

if (Environment.GetCommandLineArgs().Contains("--on-token-only"))
{
    await OnTokenAsync(signatures);
    Cleanup();
    return 0;
}

var server = Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp");
var coldFirst = new List<double>();
var coldWarm = new List<double>();
var rss = new List<double>();
var home = NewHome();
for (var run = 0; run < starts; run++)
{
    // The first start of a home creates its vault; later starts open it.
    var (elapsed, rssKib) = await StartToFirstToolsListAsync(server, run == 0 ? home : home);
    (run == 0 ? coldFirst : coldWarm).Add(elapsed);
    rss.Add(rssKib / 1024.0);
}

var fresh = new List<double>();
for (var run = 0; run < Math.Max(3, starts / 3); run++)
{
    fresh.Add((await StartToFirstToolsListAsync(server, NewHome())).Milliseconds);
}

Report("cold start to first tools/list, existing vault (ms)", coldWarm);
Report("cold start to first tools/list, zero-config first start (ms)", fresh);
Report("idle RSS after first answer + 2 s (MiB)", rss);

using var swtpm = new SwtpmInstance();
foreach (var (name, prepare, options) in Unlockers(swtpm))
{
    var samples = await SignRoundTripsAsync(prepare, options, name == "password (calibrated Argon2id)" ? Math.Min(signatures, 20) : signatures);
    Report($"tx_sign round trip, {name} (ms)", samples);
}

await OnTokenAsync(signatures);
Cleanup();
return 0;

static void Cleanup()
{
    foreach (var folder in Scratch.Folders)
    {
        Directory.Delete(folder, recursive: true);
    }
}

// Keys that never leave the token (issue 18): tx_sign over MCP with an on-token key against the raw token sign
// (login, sign, logout) on the same SoftHSM2 token in the same run, for each key type. autofill is off here, so the
// ledger round trip that autofill adds is not in either figure.
static async Task OnTokenAsync(int count)
{
    var pin = SecretFile("314159");
    var token = SoftHsm(pin);
    var pinBytes = Encoding.ASCII.GetBytes(File.ReadAllText(pin));
    var tokens = new Pkcs11TokenKeys();
    foreach (var keyType in new[] { KeyType.Secp256k1, KeyType.Ed25519 })
    {
        var name = KeyTypes.Name(keyType);
        var overMcp = await SignRoundTripsAsync(
            home => CreateVault(home, pin, SecretKind.Pin, new Pkcs11KeyProvider(token)),
            options => options with { PinFile = pin },
            count,
            new Dictionary<string, object?> { ["name"] = "bench-" + name, ["key_type"] = name, ["on_token"] = true });
        // The same vault and token, the key held in the vault instead: what the signing path costs without the token's signature.
        var vaultHeld = await SignRoundTripsAsync(
            home => CreateVault(home, pin, SecretKind.Pin, new Pkcs11KeyProvider(token)),
            options => options with { PinFile = pin },
            count,
            new Dictionary<string, object?> { ["name"] = "bench-vault-" + name, ["key_type"] = name });
        var reference = new TokenKeyReference(Pkcs11TokenKeys.KindName, token.ModulePath, token.TokenLabel, null, "bench-raw-" + name, null);
        var generated = tokens.Generate(reference, keyType, pinBytes);
        var message = new byte[200];
        var raw = new List<double>();
        for (var i = 0; i < count + 5; i++)
        {
            message[0] = (byte)i;
            var clock = Stopwatch.StartNew();
            _ = tokens.Sign(generated.Key, keyType, message, pinBytes);
            if (i >= 5)
            {
                raw.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        Report($"tx_sign round trip over MCP, on-token {name} (ms)", overMcp);
        Report($"raw token sign (login, sign, logout), {name} (ms)", raw);
        Report($"tx_sign round trip over MCP, vault-held {name}, same token vault (ms)", vaultHeld);
        raw.Sort();
        overMcp.Sort();
        Console.WriteLine(FormattableString.Invariant($"{"  ratio of medians (MCP / raw)",-62} {overMcp[overMcp.Count / 2] / raw[raw.Count / 2]:F2}"));
    }
}

static int Option(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string NewHome()
{
    var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-bench-").FullName;
    Scratch.Folders.Add(home);
    File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    return home;
}

static void Report(string what, List<double> samples)
{
    samples.Sort();
    double At(double quantile) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(quantile * samples.Count) - 1)];
    Console.WriteLine(FormattableString.Invariant($"{what,-62} n={samples.Count,4}  median {At(0.5),8:F2}  p99 {At(0.99),8:F2}  min {samples[0],8:F2}"));
}

static async Task<(double Milliseconds, long RssKib)> StartToFirstToolsListAsync(string server, string home)
{
    var start = new ProcessStartInfo(server)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    foreach (var argument in new[] { "--home", home, "--network", "testnet" })
    {
        start.ArgumentList.Add(argument);
    }

    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    _ = process.StandardError.ReadToEndAsync();
    await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""");
    await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
    await process.StandardInput.FlushAsync();
    while (await process.StandardOutput.ReadLineAsync() is { } line)
    {
        if (line.Contains("\"id\":2", StringComparison.Ordinal))
        {
            break;
        }
    }

    var elapsed = clock.Elapsed.TotalMilliseconds;
    await Task.Delay(2000);
    var rss = File.ReadAllLines($"/proc/{process.Id}/status")
        .Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
        .Single();
    process.StandardInput.Close();
    await process.WaitForExitAsync();
    return (elapsed, rss);
}

static IEnumerable<(string Name, Action<string> Prepare, Func<ServerOptions, ServerOptions> Options)> Unlockers(SwtpmInstance swtpm)
{
    yield return ("key file", _ => { }, options => options);

    var password = SecretFile("bench password for hsmwallet-mcp");
    yield return ("password (Argon2id 8 MiB, 1 pass)", home => CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1))), options => options with { PasswordFile = password });
    yield return ("password (calibrated Argon2id)", home => CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider()), options => options with { PasswordFile = password });

    var pin = SecretFile("314159");
    var pkcs11 = SoftHsm(pin);
    yield return ("PKCS#11 (SoftHSM2, aes-gcm)", home => CreateVault(home, pin, SecretKind.Pin, new Pkcs11KeyProvider(pkcs11)), options => options with { PinFile = pin });

    yield return ("TPM (swtpm, PIN)", home => CreateVault(home, pin, SecretKind.Pin, new TpmKeyProvider(swtpm.Tcti, withPin: true, pinCost: TestPins.CheapCost)), options => options with { PinFile = pin });
}

static string SecretFile(string text)
{
    var path = Path.Combine(NewHome(), "secret");
    File.WriteAllText(path, text);
    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    return path;
}

static void CreateVault(string home, string secretFile, SecretKind kind, IKeyProvider provider) =>
    new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry()).Create(new SecretFileSource(secretFile, kind), provider);

static Pkcs11SlotConfiguration SoftHsm(string pinFile)
{
    // The module reads SOFTHSM2_CONF once, when first loaded: one token for the whole run.
    if (Scratch.Token is { } existing)
    {
        return existing;
    }

    const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    var root = NewHome();
    var tokens = Path.Combine(root, "tokens");
    Directory.CreateDirectory(tokens);
    var config = Path.Combine(root, "softhsm2.conf");
    File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
    _ = NativeMethods.setenv("SOFTHSM2_CONF", config, 1);
    var pin = Encoding.ASCII.GetBytes(File.ReadAllText(pinFile));
    Pkcs11Provisioner.InitializeToken(Module, "bench", Encoding.ASCII.GetBytes("27182818"), pin);
    var configuration = new Pkcs11SlotConfiguration(Module, "bench", null, "vault-aes", null, Pkcs11WrapMode.AesGcm);
    Pkcs11Provisioner.GenerateKey(configuration, pin);
    Scratch.Token = configuration;
    return configuration;
}

static async Task<List<double>> SignRoundTripsAsync(Action<string> prepare, Func<ServerOptions, ServerOptions> options, int count, Dictionary<string, object?>? create = null)
{
    var home = NewHome();
    prepare(home);
    var clientToServer = new Pipe();
    var serverToClient = new Pipe();
    using var host = ServerHost.Build(new ServerHost.Parts
    {
        Options = options(new ServerOptions { HomePath = home, Network = HsmWallet.Core.Ledger.LedgerNetwork.Testnet }),
        Input = clientToServer.Reader.AsStream(),
        Output = serverToClient.Writer.AsStream(),
        Error = TextWriter.Null,
    });
    await host.StartAsync();
    var limits = host.Services.GetRequiredService<ToolPipeline>().RateLimits;
    await using var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
    var created = await client.CallToolAsync("wallet_create", create ?? new Dictionary<string, object?> { ["name"] = "bench" });
    if (created.IsError == true)
    {
        throw new InvalidOperationException(string.Concat(created.Content.OfType<TextContentBlock>().Select(block => block.Text)));
    }

    var wallet = create?["name"] as string ?? "bench";
    var samples = new List<double>();
    for (var sequence = 1; sequence <= count + 5; sequence++)
    {
        // The strict tier allows 20 signatures a minute; the bench measures the pipeline, not the limit.
        limits.Replenish();
        var arguments = new Dictionary<string, object?>
        {
            ["wallet"] = wallet,
            ["autofill"] = false,
            ["tx"] = JsonNode.Parse($$"""{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000","Fee":"12","Sequence":{{sequence}}}"""),
        };
        var clock = Stopwatch.StartNew();
        var result = await client.CallToolAsync("tx_sign", arguments);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (result.IsError == true)
        {
            throw new InvalidOperationException(string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text)));
        }

        if (sequence > 5)
        {
            samples.Add(elapsed);
        }
    }

    await host.StopAsync();
    return samples;
}

/// <summary>The temporary folders the bench made, removed at the end.</summary>
internal static class Scratch
{
    internal static List<string> Folders { get; } = [];

    internal static Pkcs11SlotConfiguration? Token { get; set; }
}

internal static partial class NativeMethods
{
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int setenv(string name, string value, int overwrite);
}
