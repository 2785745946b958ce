using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>What a test server is started with.</summary>
public sealed record TestServerSetup
{
    public LedgerNetwork Network { get; init; } = LedgerNetwork.Testnet;

    public ToolPipelineOptions Pipeline { get; init; } = new() { AutoReplenishRateLimits = false };

    public TimeProvider? Time { get; init; }

    /// <summary>When set, the client declares elicitation and answers with this.</summary>
    public Func<ElicitRequestParams, ElicitResult>? Elicit { get; init; }

    /// <summary>When true (with <see cref="Elicit"/>), the client declares URL-mode elicitation as well as forms.</summary>
    public bool UrlElicitation { get; init; }

    /// <summary>Runs before the server starts, with the home path (create a vault, set a policy...).</summary>
    public Action<string>? Prepare { get; init; }

    /// <summary>Replaces the standard unlockers (each wrapped to count unwraps).</summary>
    public Func<KeyProviderRegistry>? Providers { get; init; }

    /// <summary>When false (the default) the rate limiters are refilled before each call, so only the rate-limit tests meet them.</summary>
    public bool EnforceRateLimits { get; init; }

    /// <summary>
    /// When true (the default) the server's start-up (vault creation, first unlock) has run before the client connects;
    /// when false it begins as in production, at the first tools/list or tool call, and never by the timer.
    /// </summary>
    public bool AwaitStartup { get; init; } = true;

    /// <summary>Server start options beyond home and network (password file, slot...).</summary>
    public Func<ServerOptions, ServerOptions>? Options { get; init; }

    /// <summary>A home with a key-file vault (as the zero-configuration start makes) and, when given, this policy in force.</summary>
    public static TestServerSetup KeyFileVault(string? policy = null) => new()
    {
        Prepare = home =>
        {
            TestServer.CreateKeyFileVault(home);
            if (policy is not null)
            {
                TestServer.SetPolicy(home, policy);
            }
        },
    };
}

/// <summary>
/// The real server built by <see cref="ServerHost"/>, run in process over in-memory pipes, with the SDK's own
/// client on the other end: every call goes through the same pipeline as over stdio.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly StringWriter _stderr;
    private readonly bool _enforceRateLimits;
    private bool _stopped;
    private Dictionary<string, JsonElement?>? _outputSchemas;

    private TestServer(string home, IHost host, McpClient client, StringWriter stderr, UnwrapCounter counter, bool enforceRateLimits)
    {
        _enforceRateLimits = enforceRateLimits;
        Home = home;
        _host = host;
        Client = client;
        _stderr = stderr;
        Unlocks = counter;
    }

    public string Home { get; }

    public McpClient Client { get; }

    public UnwrapCounter Unlocks { get; }

    public WalletServices Services => _host.Services.GetRequiredService<WalletServices>();

    public ToolPipeline Pipeline => _host.Services.GetRequiredService<ToolPipeline>();

    public ServerStartup Startup => _host.Services.GetRequiredService<ServerStartup>();

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<TestServer> StartAsync(TestServerSetup? setup = null)
    {
        setup ??= new TestServerSetup();
        var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-test-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        setup.Prepare?.Invoke(home);
        var counter = new UnwrapCounter();
        var registry = Counting(setup.Providers?.Invoke() ?? StandardKeyProviders.CreateRegistry(), counter);
        var options = new ServerOptions { HomePath = home, Network = setup.Network };
        options = setup.Options?.Invoke(options) ?? options;
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var stderr = new StringWriter();
        var host = ServerHost.Build(new ServerHost.Parts
        {
            Options = options,
            Providers = registry,
            Time = setup.Time,
            Pipeline = setup.Pipeline,
            Input = clientToServer.Reader.AsStream(),
            Output = serverToClient.Writer.AsStream(),
            Error = TextWriter.Synchronized(stderr),
            StartupFallback = setup.AwaitStartup ? null : Timeout.InfiniteTimeSpan,
        });
        await host.StartAsync().ConfigureAwait(false);
        if (setup.AwaitStartup)
        {
            await host.Services.GetRequiredService<ServerStartup>().Ready.ConfigureAwait(false);
        }

        var clientOptions = new McpClientOptions();
        if (setup.Elicit is { } elicit)
        {
            clientOptions.Handlers.ElicitationHandler = (request, _) => ValueTask.FromResult(elicit(request!));
            if (setup.UrlElicitation)
            {
                clientOptions.Capabilities = new ClientCapabilities
                {
                    Elicitation = new ElicitationCapability { Form = new FormElicitationCapability(), Url = new UrlElicitationCapability() },
                };
            }
        }

        var client = await McpClient.CreateAsync(
            new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
            clientOptions).ConfigureAwait(false);
        return new TestServer(home, host, client, stderr, counter, setup.EnforceRateLimits);
    }

    /// <summary>Calls a tool; returns whether it was an error and its JSON body.</summary>
    public async Task<(bool IsError, JsonObject Body)> CallAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var dictionary = arguments is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        if (!_enforceRateLimits)
        {
            Pipeline.RateLimits.Replenish();
        }

        var result = await Client.CallToolAsync(tool, dictionary, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ToolCatalog.Tools.ContainsKey(tool))
        {
            OutputSchemaCheck.Assert(tool, await OutputSchemaAsync(tool).ConfigureAwait(false), result);
        }

        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return (result.IsError == true, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>The outputSchema tools/list publishes for <paramref name="tool"/> (listed once per server).</summary>
    public async Task<JsonElement?> OutputSchemaAsync(string tool)
    {
        _outputSchemas ??= (await Client.ListToolsAsync().ConfigureAwait(false)).ToDictionary(listed => listed.Name, listed => listed.ProtocolTool.OutputSchema, StringComparer.Ordinal);
        return _outputSchemas.TryGetValue(tool, out var schema) ? schema : null;
    }

    /// <summary>Calls a tool that must succeed.</summary>
    public async Task<JsonObject> OkAsync(string tool, object? arguments = null)
    {
        var (isError, body) = await CallAsync(tool, arguments).ConfigureAwait(false);
        Assert.False(isError, body.ToJsonString());
        return body;
    }

    /// <summary>Calls a tool that must fail with <paramref name="code"/>; returns the error object.</summary>
    public async Task<JsonObject> ErrorAsync(string tool, object? arguments, string code)
    {
        var (isError, body) = await CallAsync(tool, arguments).ConfigureAwait(false);
        Assert.True(isError, body.ToJsonString());
        var error = body["error"]!.AsObject();
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["correlation_id"]?.GetValue<string>()));
        return error;
    }

    /// <summary>Every audit entry written so far, as JSON lines.</summary>
    public IReadOnlyList<JsonObject> AuditEntries()
    {
        var folder = Path.Combine(Home, "audit");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.GetFiles(folder, "audit-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.Length > 0)
            .Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    /// <summary>Audit entries of one event type ("transaction.sign", "security.rate_limit"...).</summary>
    public IReadOnlyList<JsonObject> AuditEntries(string eventType) =>
        [.. AuditEntries().Where(entry => entry["eventType"]?.GetValue<string>() == eventType)];

    /// <summary>Writes a policy and records its hash in the vault, as `hsmwallet policy set` does.</summary>
    public static void SetPolicy(string home, string json)
    {
        var document = PolicyDocument.Parse(json);
        var walletHome = WalletHome.At(home);
        PolicyFile.Save(walletHome.PolicyPath, document);
        var vault = new WalletVault(walletHome, StandardKeyProviders.CreateRegistry());
        vault.Update(new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false })), unlocked =>
        {
            unlocked.SetSetting(VaultSettingNames.PolicySha256, Encoding.ASCII.GetBytes(document.Sha256));
            return true;
        });
    }

    /// <summary>Creates a key-file vault in <paramref name="home"/>, as the zero-configuration start would.</summary>
    public static void CreateKeyFileVault(string home)
    {
        var walletHome = WalletHome.At(home);
        new WalletVault(walletHome, StandardKeyProviders.CreateRegistry()).Create(new SecretSourceChain(), new KeyFileKeyProvider(walletHome.DefaultKeyFilePath));
    }

    /// <summary>Closes the client and stops the server as its process would at exit; the home stays until disposal.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Client.DisposeAsync().ConfigureAwait(false);
        await _host.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _host.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static KeyProviderRegistry Counting(KeyProviderRegistry inner, UnwrapCounter counter)
    {
        var registry = new KeyProviderRegistry();
        foreach (var kind in inner.Kinds)
        {
            registry.Register(kind, () => new CountingKeyProvider(inner.Create(kind), counter));
        }

        return registry;
    }
}
