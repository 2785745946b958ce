using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmWallet.McpServer.Metrics;

/// <summary>
/// hsmwallet-mcp --metrics ADDR:PORT: a listener of its own (never the MCP port, never with a token) answering
/// GET /metrics (Prometheus text), /healthz (the process serves) and /readyz (the vault is readable and the audit log
/// writable: 200, else 503 with the reason). Kestrel is configured from the option only, as the MCP listener is.
/// Nothing here reveals a key, secret, wallet name or address: only counts, kinds and codes.
/// </summary>
public sealed class MetricsEndpoint : IHostedService, IAsyncDisposable
{
    /// <summary>The port --metrics names in the docs' examples.</summary>
    public const int DocumentedPort = 9464;

    private readonly IPEndPoint _listen;
    private readonly ServerMetrics _metrics;
    private readonly Func<string?> _notReady;
    private WebApplication? _app;

    /// <summary>Serves <paramref name="metrics"/> on <paramref name="listen"/>; <paramref name="notReady"/> says why the server is not ready, or null.</summary>
    public MetricsEndpoint(IPEndPoint listen, ServerMetrics metrics, Func<string?> notReady)
    {
        _listen = listen;
        _metrics = metrics;
        _notReady = notReady;
    }

    /// <summary>The port listened on, once started (the listen option's, or the one picked for port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Parses --metrics: ADDRESS:PORT with a numeric address.</summary>
    public static IPEndPoint Parse(string text)
    {
        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new Core.InvalidInputException("--metrics", $"must be ADDRESS:PORT with a numeric IP address (e.g. 127.0.0.1:{DocumentedPort})");
        }

        return endpoint;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(_listen);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 16;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Port = app.Urls.Select(url => new Uri(url).Port).First();
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await _metrics.Registry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/healthz":
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("ok\n", context.RequestAborted).ConfigureAwait(false);
                break;
            case "/readyz":
                response.ContentType = "text/plain; charset=utf-8";
                var reason = _notReady();
                response.StatusCode = reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                await response.WriteAsync((reason ?? "ready") + "\n", context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}
