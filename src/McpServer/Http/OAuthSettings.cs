using System.Net;
using HsmWallet.Core;

namespace HsmWallet.McpServer.Http;

/// <summary>
/// The OAuth 2.1 authorization server whose access tokens (JWTs) let agents in beside the `hwa_` bearer tokens
/// (hsmwallet-mcp --http --oauth-issuer URL --oauth-audience URI, docs/deployment.md): the issuer as its tokens' `iss`
/// names it, and this server's resource URI, which a token's `aud` must contain (RFC 8707), so a token the issuer minted
/// for another resource is refused here; the scopes a token must carry (--oauth-scope), and whether a `typ` of plain JWT
/// is accepted beside RFC 9068's at+jwt (--oauth-accept-jwt-typ, for issuers that do not type their access tokens).
/// </summary>
public sealed record OAuthSettings
{
    /// <summary>The well-known path of the protected resource metadata (RFC 9728).</summary>
    public const string MetadataPath = "/.well-known/oauth-protected-resource";

    /// <summary>The issuer identifier exactly as given: a token's `iss` must equal it, and so must the issuer's metadata.</summary>
    public required string Issuer { get; init; }

    /// <summary>This server's resource URI: a token's `aud` must contain it, and the metadata document names it.</summary>
    public required string Audience { get; init; }

    /// <summary>The `typ` values of an RFC 9068 access token (the short form and the media type).</summary>
    public static IReadOnlyList<string> AccessTokenTypes { get; } = ["at+jwt", "application/at+jwt"];

    /// <summary>The most --oauth-scope values (each one a token must carry).</summary>
    public const int MaximumScopes = 16;

    /// <summary>
    /// --oauth-scope: scopes a token's `scope` (or `scp`) must all contain, else 403 insufficient_scope; empty: none
    /// required. Each is an RFC 6749 scope-token (printable ASCII without space, '"' or '\'), so it is safe in a header.
    /// </summary>
    public IReadOnlyList<string> RequiredScopes { get; init; } = [];

    /// <summary>
    /// --oauth-accept-jwt-typ: also accept a `typ` of JWT (Keycloak and Entra ID type their access tokens so), not only
    /// at+jwt; then only the `aud` binding tells an access token from an ID token of the same issuer.
    /// </summary>
    public bool AcceptPlainJwtType { get; init; }

    /// <summary>The `typ` values a token may carry under these settings.</summary>
    public IReadOnlyList<string> ValidTypes => AcceptPlainJwtType ? [.. AccessTokenTypes, "JWT"] : AccessTokenTypes;

    /// <summary>How far a token's `exp` and `nbf` may be off the server's clock.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest a token may be valid (from `nbf` or `iat` to `exp`, and from now to `exp`): a stolen one expires soon.</summary>
    public TimeSpan MaximumTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The least time between two key refreshes a token with an unknown `kid` causes (the first one is at once).</summary>
    public TimeSpan UnknownKeyRefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long fetched keys are used before they are fetched again (at the next token).</summary>
    public TimeSpan KeyRefreshAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The URL of this server's protected resource metadata, as RFC 9728 derives it from the resource URI.</summary>
    public Uri ResourceMetadataUrl
    {
        get
        {
            var resource = new Uri(Audience);
            return new Uri(resource.GetLeftPart(UriPartial.Authority) + MetadataPath + ResourcePath);
        }
    }

    /// <summary>The resource URI's path without a trailing '/' ("" for the root): the metadata is also served at the well-known path followed by it.</summary>
    public string ResourcePath => new Uri(Audience).AbsolutePath.TrimEnd('/');

    /// <summary>True when <paramref name="uri"/>'s host is a loopback one (localhost or a loopback address).</summary>
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Builds the settings from --oauth-issuer and --oauth-audience (both needed together): each an absolute https URL
    /// (http only for a loopback host), no query and no fragment; naming the option that is wrong.
    /// </summary>
    public static OAuthSettings? Parse(string? issuer, string? audience, IReadOnlyList<string>? scopes = null, bool acceptPlainJwtType = false)
    {
        if (issuer is null)
        {
            if (scopes is { Count: > 0 })
            {
                throw new InvalidInputException("--oauth-scope", "is used with --oauth-issuer only");
            }

            if (acceptPlainJwtType)
            {
                throw new InvalidInputException("--oauth-accept-jwt-typ", "is used with --oauth-issuer only");
            }

            return audience is null ? null : throw new InvalidInputException("--oauth-audience", "is used with --oauth-issuer only");
        }

        // The same rule as `agent add --oauth-issuer`, so whatever the server is started with an agent can be bound to.
        Hosting.Agents.AgentRegistry.CheckIssuer(issuer, "--oauth-issuer");
        if (audience is null)
        {
            throw new InvalidInputException(
                "--oauth-audience",
                "is needed with --oauth-issuer: this server's resource URI as agents reach it (e.g. https://wallet.example:8765/mcp), which a token's aud must contain");
        }

        CheckUrl(audience, "--oauth-audience", "this server's resource URI as agents reach it");
        var required = (scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (required.Count > MaximumScopes)
        {
            throw new InvalidInputException("--oauth-scope", $"may be given at most {MaximumScopes} times");
        }

        foreach (var scope in required)
        {
            // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); it is echoed in WWW-Authenticate.
            if (scope.Length is 0 or > 128 || !scope.All(c => c is '!' or (>= '#' and <= '[') or (>= ']' and <= '~')))
            {
                throw new InvalidInputException("--oauth-scope", "must be a scope token: 1 to 128 printable ASCII characters without space, '\"' or '\\'");
            }
        }

        return new OAuthSettings { Issuer = issuer, Audience = audience, RequiredScopes = required, AcceptPlainJwtType = acceptPlainJwtType };
    }

    private static void CheckUrl(string text, string option, string what)
    {
        if (text.Length > 2048
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || text.Contains('#', StringComparison.Ordinal))
        {
            throw new InvalidInputException(option, $"must be {what}: an absolute https URL without query or fragment");
        }

        if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            throw new InvalidInputException(option, "must be an https URL (http only for a loopback host): tokens and keys must not cross a network in clear");
        }
    }
}
