using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// One page a person opens in a browser, served by Kestrel on 127.0.0.1 only (an ephemeral port) at a one-time path
/// of 128 random bits. Every request must name Host localhost:PORT exactly (a DNS-rebinding page names its own host);
/// every POST must come from the page's own origin with a JSON body (a cross-site form cannot send one without a
/// preflight this server never answers); any other path answers 404. Subclasses say what the page shows and does.
/// </summary>
public abstract class LoopbackPage : IAsyncDisposable
{
    /// <summary>The largest request body the page reads (a WebAuthn response is a few kilobytes).</summary>
    public const int MaximumBodyLength = 64 * 1024;

    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private WebApplication? _app;

    /// <summary>The page's address, http://localhost:PORT/SECRET, known once <see cref="StartAsync"/> returned.</summary>
    public Uri Url { get; private set; } = new("http://localhost/");

    /// <summary>The loopback port the page listens on, known once <see cref="StartAsync"/> returned.</summary>
    public int Port => Url.Port;

    /// <summary>The origin the page's scripts run under (http://localhost:PORT).</summary>
    public string Origin { get; private set; } = "http://localhost";

    /// <summary>How many free ports are tried when another process takes the chosen one first.</summary>
    private const int PortTries = 5;

    /// <summary>
    /// Starts serving on a free port of both loopback addresses, 127.0.0.1 and ::1 (when this host has IPv6): the
    /// address says "localhost", which a browser may resolve to either, so no other local user may hold the other.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnAsync(FreePort(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (IOException) when (attempt < PortTries)
            {
                // Another process took the port between the probe and the start: nothing was served; try another.
            }
        }
    }

    /// <summary>A port free on both loopback addresses now (probed on ::1 when the host has it, else on 127.0.0.1).</summary>
    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0);
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

    private async Task StartOnAsync(int port, CancellationToken cancellationToken)
    {
        // No configuration from the working folder (appsettings.json) or the environment (ASPNETCORE_URLS, Kestrel
        // endpoints): a file an agent can write must not add a listener beside the one below.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            if (System.Net.Sockets.Socket.OSSupportsIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, port);
            }

            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaximumBodyLength;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _app = app;
        var expected = System.Net.Sockets.Socket.OSSupportsIPv6 ? new[] { "127.0.0.1", "[::1]" } : ["127.0.0.1"];
        var urls = app.Urls.Select(url => new Uri(url)).ToList();
        if (urls.Count != expected.Length || urls.Any(url => url.Port != port) || !expected.All(host => urls.Any(url => url.Host == host)))
        {
            throw new InvalidOperationException("the approval page must listen on the loopback addresses only, on one port; it did not start");
        }

        Origin = "http://localhost:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Url = new Uri(Origin + "/" + _secret);
    }

    /// <summary>Stops serving; the path answers nothing any more.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The page's HTML body (inside the page's frame, under its content security policy with <paramref name="scriptNonce"/>).</summary>
    protected abstract string Body(string scriptNonce);

    /// <summary>Handles a POST to SECRET/<paramref name="action"/> with the JSON <paramref name="body"/>: the status code and a short text answer.</summary>
    protected abstract Task<(int Status, string Text)> PostAsync(string action, string body, CancellationToken cancellationToken);

    /// <summary>Text made safe to place inside HTML.</summary>
    protected static string Html(string text) => WebUtility.HtmlEncode(text);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Frame-Options"] = "DENY";
        if (!string.Equals(request.Headers.Host.ToString(), Url.Authority, StringComparison.Ordinal))
        {
            await Answer(response, StatusCodes.Status421MisdirectedRequest, "this page answers only to " + Url.Authority).ConfigureAwait(false);
            return;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, Origin, StringComparison.Ordinal))
        {
            await Answer(response, StatusCodes.Status403Forbidden, "requests from another origin are refused").ConfigureAwait(false);
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        var prefix = "/" + _secret;
        if (HttpMethods.IsGet(request.Method) && string.Equals(path, prefix, StringComparison.Ordinal))
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(Body(nonce), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && path.StartsWith(prefix + "/", StringComparison.Ordinal)
            && origin.Length > 0 && request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            && request.ContentLength is > 0 and <= MaximumBodyLength)
        {
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            }

            var (status, text) = await PostAsync(path[(prefix.Length + 1)..], body, context.RequestAborted).ConfigureAwait(false);
            await Answer(response, status, text).ConfigureAwait(false);
            return;
        }

        await Answer(response, StatusCodes.Status404NotFound, "not found").ConfigureAwait(false);
    }

    private static Task Answer(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text);
    }
}
