using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Hosting.Agents;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Http;
using HsmWallet.McpServer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>
/// The real server built by <see cref="ServerHost"/> with --http on a free loopback port (Kestrel, the SDK's Streamable
/// HTTP endpoint, the same pipeline), and the SDK's HTTP client transport on the other end with an agent's token.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    private readonly IHost _host;

    private HttpTestServer(string home, IHost host, int port)
    {
        Home = home;
        _host = host;
        Port = port;
    }

    public string Home { get; }

    public int Port { get; }

    public Uri Endpoint => new($"{(Tls ? "https" : "http")}://127.0.0.1:{Port}{HttpSettings.EndpointPath}");

    /// <summary>True when the server was started with --tls-cert and --tls-key.</summary>
    public bool Tls { get; private init; }

    /// <summary>The HTTP client every request of this test goes through (trusting the test's own certificate only).</summary>
    public HttpClient Http { get; init; } = new();

    /// <summary>The agent list as `hsmwallet agent` opens it: a handle of its own on the home's vault (another process's view).</summary>
    public AgentRegistry Agents => new(
        Home,
        new Core.Vault.WalletVault(Core.Vault.WalletHome.At(Home), KeyProviders.StandardKeyProviders.CreateRegistry()),
        () => new Core.Vault.UnlockOptions(Core.Secrets.Sources.SecretSourceChain.ForHost(new Core.Secrets.Sources.SecretOptions { AllowPrompt = false })));

    /// <summary>The metrics listener's base address (--metrics on a free loopback port).</summary>
    public Uri MetricsBase => new($"http://127.0.0.1:{_host.Services.GetRequiredService<Metrics.MetricsEndpoint>().Port}/");

    public ToolPipeline Pipeline => _host.Services.GetRequiredService<ToolPipeline>();

    public static async Task<HttpTestServer> StartAsync(Func<int, HttpSettings>? settings = null, string? policy = null, HttpClient? http = null)
    {
        var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-http-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        TestServer.CreateKeyFileVault(home);
        if (policy is not null)
        {
            TestServer.SetPolicy(home, policy);
        }

        var port = FreePort();
        var listen = settings?.Invoke(port) ?? new HttpSettings { Listen = new IPEndPoint(IPAddress.Loopback, port) };
        var host = ServerHost.Build(new ServerHost.Parts
        {
            Options = new ServerOptions { HomePath = home, Network = Core.Ledger.LedgerNetwork.Testnet, Http = listen, Metrics = new IPEndPoint(IPAddress.Loopback, 0) },
            Pipeline = new ToolPipelineOptions { AutoReplenishRateLimits = false },
            Error = TextWriter.Null,
        });
        await host.StartAsync().ConfigureAwait(false);
        await host.Services.GetRequiredService<ServerStartup>().Ready.ConfigureAwait(false);
        return new HttpTestServer(home, host, port) { Tls = listen.Tls, Http = http ?? new HttpClient() };
    }

    /// <summary>An MCP client over HTTP presenting <paramref name="token"/> as its bearer token.</summary>
    public Task<McpClient> ConnectAsync(string token) =>
        McpClient.CreateAsync(new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Endpoint = Endpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
            },
            Http,
            null,
            ownsHttpClient: false));

    /// <summary>Calls a tool without refilling any rate limiter; returns whether it was an error and its JSON body.</summary>
    public static async Task<(bool IsError, JsonObject Body)> CallUnrefilledAsync(McpClient client, string tool, object arguments)
    {
        var dictionary = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        var result = await client.CallToolAsync(tool, dictionary).ConfigureAwait(false);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return (result.IsError == true, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>Calls a tool (rate limits refilled first); returns whether it was an error and its JSON body.</summary>
    public async Task<(bool IsError, JsonObject Body)> CallAsync(McpClient client, string tool, object? arguments = null)
    {
        Pipeline.ReplenishAll();
        var dictionary = arguments is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        var result = await client.CallToolAsync(tool, dictionary).ConfigureAwait(false);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return (result.IsError == true, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>Posts an initialize request by hand with these headers; returns the status code.</summary>
    public async Task<HttpResponseMessage> PostInitializeAsync(string? token, string? origin = null, string? host = null, string? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(
                body ?? """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        // A body too large is refused from its Content-Length alone: the client waits for 100 Continue before sending it.
        request.Headers.ExpectContinue = body is not null;
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await Http.SendAsync(request).ConfigureAwait(false);
    }

    /// <summary>Every audit entry written so far.</summary>
    public IReadOnlyList<JsonObject> AuditEntries(string eventType) =>
        [.. Directory.GetFiles(Path.Combine(Home, "audit"), "audit-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.Length > 0)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(entry => entry["eventType"]?.GetValue<string>() == eventType)];

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }
}
