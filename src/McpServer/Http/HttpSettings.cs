using System.Globalization;
using System.Net;
using HsmWallet.Core;

namespace HsmWallet.McpServer.Http;

/// <summary>
/// How `hsmwallet-mcp --http` listens (docs/deployment.md): one address and port (127.0.0.1:8765 by default), the
/// Host names a request may carry (the listen authority, localhost too on loopback, plus --allowed-host), the browser
/// origins allowed (none unless --allowed-origin), and TLS from PEM files. A non-loopback address needs TLS.
/// Optionally an OAuth 2.1 issuer whose access tokens also let agents in (--oauth-issuer, --oauth-audience, --oauth-scope,
/// --oauth-accept-jwt-typ).
/// </summary>
public sealed record HttpSettings
{
    /// <summary>The port --http listens on unless --listen says otherwise.</summary>
    public const int DefaultPort = 8765;

    /// <summary>The path the MCP endpoint answers on.</summary>
    public const string EndpointPath = "/mcp";

    /// <summary>The largest total of request headers, in bytes.</summary>
    public const int MaximumHeaderBytes = 32 * 1024;

    /// <summary>The most request headers.</summary>
    public const int MaximumHeaderCount = 64;

    /// <summary>The most connections at once.</summary>
    public const int MaximumConnections = 128;

    /// <summary>The address and port listened on.</summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>Extra Host values accepted (HOST or HOST:PORT, as given to --allowed-host), beside the listen authority.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Origins a browser-borne request may carry (scheme://host[:port]); any other Origin is refused with 403.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>--tls-cert: a PEM certificate (chain) file.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>--tls-key: the PEM private key file of the certificate (0600).</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>--oauth-issuer and --oauth-audience: the OAuth 2.1 issuer whose access tokens (JWTs) also let agents in, or null.</summary>
    public OAuthSettings? OAuth { get; init; }

    /// <summary>True when the server speaks TLS.</summary>
    public bool Tls => TlsCertificateFile is not null;

    /// <summary>Builds the settings from the options, checking each and naming the option that is wrong.</summary>
    public static HttpSettings Parse(string? listen, IReadOnlyList<string>? allowedHosts, IReadOnlyList<string>? allowedOrigins, string? tlsCertificate, string? tlsKey, string? oauthIssuer = null, string? oauthAudience = null, IReadOnlyList<string>? oauthScopes = null, bool oauthAcceptPlainJwtType = false)
    {
        var endpoint = listen is null ? new IPEndPoint(IPAddress.Loopback, DefaultPort) : ParseEndpoint(listen, "--listen");
        if ((tlsCertificate is null) != (tlsKey is null))
        {
            throw new InvalidInputException(tlsCertificate is null ? "--tls-cert" : "--tls-key", "--tls-cert and --tls-key go together (PEM files)");
        }

        if (tlsCertificate is null && !IPAddress.IsLoopback(endpoint.Address))
        {
            throw new InvalidInputException("--listen", "a non-loopback address needs TLS: give --tls-cert FILE and --tls-key FILE (bearer tokens must not cross a network in clear)");
        }

        var hosts = new List<string>();
        foreach (var host in allowedHosts ?? [])
        {
            if (host.Length is 0 or > 255 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']'))
            {
                throw new InvalidInputException("--allowed-host", "must be a host name or HOST:PORT (letters, digits, '.', '-', ':', '[', ']')");
            }

            hosts.Add(host);
        }

        var origins = new List<string>();
        foreach (var origin in allowedOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
            {
                throw new InvalidInputException("--allowed-origin", "must be an origin: scheme://host[:port], no path");
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        return new HttpSettings
        {
            Listen = endpoint,
            AllowedHosts = hosts,
            AllowedOrigins = origins,
            TlsCertificateFile = tlsCertificate,
            TlsKeyFile = tlsKey,
            OAuth = OAuthSettings.Parse(oauthIssuer, oauthAudience, oauthScopes, oauthAcceptPlainJwtType),
        };
    }

    /// <summary>The Host header values accepted: the listen authority, localhost:PORT on loopback, and the --allowed-host values.</summary>
    public IReadOnlySet<string> AcceptedHosts(int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            (Listen.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + Listen.Address + "]" : Listen.Address.ToString()) + ":" + portText,
        };
        if (IPAddress.IsLoopback(Listen.Address))
        {
            hosts.Add("localhost:" + portText);
        }

        foreach (var host in AllowedHosts)
        {
            var hasPort = System.Text.RegularExpressions.Regex.IsMatch(host, @":[0-9]{1,5}$") && (!host.StartsWith('[') || host.Contains("]:", StringComparison.Ordinal));
            hosts.Add(hasPort ? host : host + ":" + portText);
        }

        return hosts;
    }

    private static IPEndPoint ParseEndpoint(string text, string option)
    {
        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal) || endpoint.Port is < 0 or > 65535)
        {
            throw new InvalidInputException(option, "must be ADDRESS:PORT with a numeric IP address (e.g. 127.0.0.1:8765 or [::1]:8765)");
        }

        return endpoint;
    }
}
