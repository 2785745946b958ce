using System.Security.Cryptography.X509Certificates;
using HsmWallet.Hosting.Agents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HsmWallet.McpServer.Http;

/// <summary>
/// The HTTP face of hsmwallet-mcp: Kestrel configured only from the command line (no appsettings.json, no
/// ASPNETCORE_* variables: a file an agent can write must not add a listener), and in front of the SDK's Streamable
/// HTTP endpoint, in this order: Host must be one this server answers to (421 otherwise: a DNS-rebinding page names
/// its own host), Origin absent or allowed (403), a bearer token of an agent that is not revoked (401 with
/// WWW-Authenticate). Only then does the request reach the SDK, and each tool call the same pipeline as over stdio.
/// With --oauth-issuer a bearer token may also be an access token (JWT) of that issuer, let in only when it is valid
/// (<see cref="OAuthTokenValidator"/>) and its `iss` and `sub` together name an agent that is not revoked
/// (`agent add --oauth-subject SUB --oauth-issuer URL`); a valid token without a scope --oauth-scope requires gets 403
/// insufficient_scope. The protected resource metadata (RFC 9728) is then served, and every 401 and 403 points to it.
/// </summary>
public static partial class HttpFront
{
    /// <summary>A web application builder that reads no configuration but what <paramref name="settings"/> says.</summary>
    public static WebApplicationBuilder CreateBuilder(HttpSettings settings, int maxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = null;
        if (settings.Tls)
        {
            certificate = LoadCertificate(settings.TlsCertificateFile!, settings.TlsKeyFile!);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.Listen, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxMessageBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = HttpSettings.MaximumHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = HttpSettings.MaximumHeaderCount;
            kestrel.Limits.MaxConcurrentConnections = HttpSettings.MaximumConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = HttpSettings.MaximumConnections;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        });
        return builder;
    }

    /// <summary>The checks in front of the endpoint, then the SDK's endpoint at <see cref="HttpSettings.EndpointPath"/>.</summary>
    public static void Map(WebApplication app, HttpSettings settings, AgentRegistry? agents)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlySet<string>? accepted = null;
        var oauth = settings.OAuth is { } oauthSettings ? new OAuthTokenValidator(oauthSettings) : null;
        if (oauth is not null)
        {
            app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopped.Register(oauth.Dispose);
        }

        var metadataPaths = settings.OAuth is { } paths
            ? new HashSet<string>(StringComparer.Ordinal) { OAuthSettings.MetadataPath, OAuthSettings.MetadataPath + paths.ResourcePath }
            : null;
        // The MCP authorization spec: the challenge names the scopes needed, so a client asks its issuer for them.
        var scopeParameter = settings.OAuth is { RequiredScopes.Count: > 0 } scoped ? $", scope=\"{string.Join(' ', scoped.RequiredScopes)}\"" : string.Empty;
        var challenge = settings.OAuth is { } challenged
            ? $"Bearer realm=\"hsmwallet-mcp\", resource_metadata=\"{challenged.ResourceMetadataUrl.AbsoluteUri}\"{scopeParameter}"
            : "Bearer realm=\"hsmwallet-mcp\"";
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var response = context.Response;
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Content-Type-Options"] = "nosniff";
            accepted ??= settings.AcceptedHosts(context.Connection.LocalPort);
            if (!accepted.Contains(request.Headers.Host.ToString()))
            {
                await Refuse(response, StatusCodes.Status421MisdirectedRequest, "this server does not answer to that Host (hsmwallet-mcp --allowed-host)").ConfigureAwait(false);
                return;
            }

            var origin = request.Headers.Origin.ToString();
            if (request.Headers.Origin.Count > 0 && !settings.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            {
                await Refuse(response, StatusCodes.Status403Forbidden, "requests from this Origin are refused (hsmwallet-mcp --allowed-origin)").ConfigureAwait(false);
                return;
            }

            if (metadataPaths is not null && metadataPaths.Contains(request.Path.Value ?? string.Empty))
            {
                await ServeMetadata(context, settings.OAuth!).ConfigureAwait(false);
                return;
            }

            var authorization = request.Headers.Authorization.ToString();
            var token = request.Headers.Authorization.Count == 1 && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;
            // An hwa_ token is looked up by its hash; with --oauth-issuer any other token must be a valid access token of
            // the issuer, and then its sub is looked up. refusal says why a presented token is refused (error_description).
            string? refusal = null;
            Func<AgentRegistry, AgentRecord?> lookup = registry => registry.Authenticate(token);
            if (oauth is not null && token is not null && !token.StartsWith(AgentRegistry.TokenPrefix, StringComparison.Ordinal))
            {
                var validation = await oauth.ValidateAsync(token, context.RequestAborted).ConfigureAwait(false);
                if (validation.Unavailable)
                {
                    LogIssuerUnavailable(app.Logger);
                    await Refuse(response, StatusCodes.Status503ServiceUnavailable, "the server cannot fetch its OAuth issuer's keys; the operator checks --oauth-issuer and the issuer's reachability").ConfigureAwait(false);
                    return;
                }

                if (validation.InsufficientScope)
                {
                    // RFC 6750 section 3.1: a valid token without the scope the resource needs is 403, not 401.
                    response.Headers.WWWAuthenticate = challenge + $", error=\"insufficient_scope\", error_description=\"{validation.Refusal}\"";
                    await Refuse(response, StatusCodes.Status403Forbidden, validation.Refusal!).ConfigureAwait(false);
                    return;
                }

                var (issuer, subject) = (validation.Issuer, validation.Subject);
                refusal = validation.Refusal ?? "the token's iss and sub name no agent of this server, or a revoked one (hsmwallet agent add NAME --oauth-subject SUB --oauth-issuer ISSUER)";
                lookup = registry =>
                {
                    if (subject is null)
                    {
                        return null;
                    }

                    var found = registry.AuthenticateSubject(issuer, subject);
                    if (found is null && registry.WithoutIssuer(subject) is { Count: > 0 } unbound)
                    {
                        // Not told to the client: the operator's log says which agents need binding to their issuer.
                        LogAgentWithoutIssuer(app.Logger, string.Join(", ", unbound));
                    }

                    return found;
                };
            }

            AgentRecord? agent;
            try
            {
                agent = lookup(agents ?? throw new Core.InvalidInputException("agents", "the home could not be opened"));
            }
            catch (Exception error) when (error is Core.InvalidInputException or IOException or UnauthorizedAccessException or Core.Secrets.Files.UnsafeFilePermissionsException
                or Core.Unlocking.UnlockFailedException or Core.Unlocking.LockedOutException or Core.Unlocking.KeyProviderUnavailableException or Core.Vault.VaultNotFoundException or Core.Vault.VaultIntegrityException)
            {
                await Refuse(response, StatusCodes.Status503ServiceUnavailable, "the server cannot read its agent list; the operator finds the reason by running hsmwallet agent list").ConfigureAwait(false);
                return;
            }

            if (agent is null)
            {
                response.Headers.WWWAuthenticate = token is null
                    ? challenge
                    : refusal is null
                        ? challenge + ", error=\"invalid_token\""
                        : challenge + $", error=\"invalid_token\", error_description=\"{refusal}\"";
                await Refuse(response, StatusCodes.Status401Unauthorized, refusal ?? "a bearer token of an agent is needed (hsmwallet agent add NAME)").ConfigureAwait(false);
                return;
            }

            context.User = AgentPrincipal.For(agent);
            await next(context).ConfigureAwait(false);
        });
        app.MapMcp(HttpSettings.EndpointPath);
    }

    /// <summary>
    /// The SDK's Streamable HTTP transport, stateless (its default): no session lives between requests, so nothing an
    /// agent opens is kept in memory, and each request carries its own bearer token. Stateless means no server-to-client
    /// request: approvals over HTTP go to the operator (approval_pending, `hsmwallet approve`), never a client form.
    /// </summary>
    public static void AddTransport(IMcpServerBuilder mcp) => mcp.WithHttpTransport(options => options.SessionMode = ModelContextProtocol.AspNetCore.HttpServerSessionMode.Stateless);

    private static X509Certificate2 LoadCertificate(string certificateFile, string keyFile)
    {
        Core.Secrets.Files.ProtectedFile.CheckPrivateFile(keyFile);
        try
        {
            var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

            // Kestrel needs a key it can use on this platform; an exported PKCS#12 copy is one (kept in memory only).
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception error) when (error is System.Security.Cryptography.CryptographicException or IOException or ArgumentException)
        {
            throw new Core.InvalidInputException("--tls-cert", "and --tls-key must be a PEM certificate and its PEM private key");
        }
    }

    /// <summary>The protected resource metadata (RFC 9728, as the MCP authorization spec asks): the resource, its issuer, tokens in the header only.</summary>
    private static async Task ServeMetadata(HttpContext context, OAuthSettings oauth)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await Refuse(context.Response, StatusCodes.Status405MethodNotAllowed, "the protected resource metadata is read with GET").ConfigureAwait(false);
            return;
        }

        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["resource"] = oauth.Audience,
            ["authorization_servers"] = new System.Text.Json.Nodes.JsonArray(oauth.Issuer),
            ["bearer_methods_supported"] = new System.Text.Json.Nodes.JsonArray("header"),
            ["resource_name"] = "hsmwallet-mcp",
        };
        if (oauth.RequiredScopes.Count > 0)
        {
            document["scopes_supported"] = new System.Text.Json.Nodes.JsonArray([.. oauth.RequiredScopes.Select(scope => (System.Text.Json.Nodes.JsonNode)scope)]);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(document.ToJsonString()).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a request: the OAuth issuer's metadata or keys could not be fetched (--oauth-issuer)")]
    private static partial void LogIssuerUnavailable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a token whose sub is bound to agent(s) {Agents} without an issuer (agents.json from an older version); the operator revokes them and adds them again with --oauth-issuer")]
    private static partial void LogAgentWithoutIssuer(ILogger logger, string agents);

    private static async Task Refuse(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n").ConfigureAwait(false);
    }
}
