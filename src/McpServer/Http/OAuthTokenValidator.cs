using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace HsmWallet.McpServer.Http;

/// <summary>What <see cref="OAuthTokenValidator"/> found of an access token.</summary>
/// <param name="Subject">The validated token's `sub`, or null when the token is refused.</param>
/// <param name="Refusal">Why the token is refused (an RFC 6750 error_description: no token content), or null.</param>
/// <param name="Unavailable">True when the issuer's keys could not be had, so no token can be checked (503, not 401).</param>
public sealed record OAuthValidation(string? Subject, string? Refusal, bool Unavailable = false)
{
    /// <summary>The validated token's `iss` (an agent is bound to an issuer and a subject together), or null when refused.</summary>
    public string? Issuer { get; init; }

    /// <summary>True when the token is valid but lacks a scope --oauth-scope requires (403 insufficient_scope, not 401).</summary>
    public bool InsufficientScope { get; init; }
}

/// <summary>
/// Validates access tokens (JWTs) of the operator's OAuth 2.1 issuer with Microsoft.IdentityModel's
/// <see cref="JsonWebTokenHandler"/>: the signature with the issuer's published keys and an asymmetric algorithm only
/// (RS*, PS*, ES*; never `none` nor HS*), `iss` exactly the issuer, `aud` containing this server's resource (RFC 8707),
/// `exp` required and `nbf` honoured with a small skew, a `sub`, and a lifetime no longer than
/// <see cref="OAuthSettings.MaximumTokenLifetime"/>, a `typ` of at+jwt (RFC 9068; the library's ValidTypes, plain JWT
/// too only with --oauth-accept-jwt-typ), and every --oauth-scope in its `scope` or `scp` claim. The keys come from the issuer's metadata (RFC 8414
/// /.well-known/oauth-authorization-server, else OpenID Connect discovery) and its jwks_uri, parsed by the library
/// (<see cref="OpenIdConnectConfiguration"/>, <see cref="JsonWebKeySet"/>); they are kept, fetched again after
/// <see cref="OAuthSettings.KeyRefreshAge"/>, and at once when a token names an unknown `kid` (then at most once per
/// <see cref="OAuthSettings.UnknownKeyRefreshInterval"/>, so forged kids cannot make this server hammer the issuer).
/// The fetches are plain HttpClient GETs (no redirects, bounded size and time) rather than the library's
/// ConfigurationManager, so the refresh rule above is this class's, visible and tested.
/// </summary>
public sealed class OAuthTokenValidator : IDisposable
{
    /// <summary>The longest access token looked at, in bytes.</summary>
    public const int MaximumTokenBytes = 8 * 1024;

    /// <summary>The signature algorithms accepted: asymmetric ones only.</summary>
    public static IReadOnlyList<string> Algorithms { get; } =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private const int MaximumDocumentBytes = 512 * 1024;
    private static readonly TimeSpan FailedFetchPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StaleKeysDropped = TimeSpan.FromHours(24);
    private readonly OAuthSettings _settings;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaximumTokenBytes };
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private KeySnapshot? _keys;

    // UTC ticks, 0 for never; read without the lock for the fast path, so kept as longs (never torn).
    private long _lastUnknownKidRefresh;
    private long _lastFailure;

    /// <summary>A validator for <paramref name="settings"/>' issuer; <paramref name="handler"/> is for tests only (null: sockets).</summary>
    public OAuthTokenValidator(OAuthSettings settings, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time ?? TimeProvider.System;
#pragma warning disable CA2000 // The client owns the handler and this class owns the client (Dispose).
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) }, disposeHandler: true)
#pragma warning restore CA2000
        {
            Timeout = TimeSpan.FromSeconds(10),
            MaxResponseContentBufferSize = MaximumDocumentBytes,
        };
    }

    /// <summary>Validates <paramref name="token"/>; the answer names its `sub`, or why it is refused.</summary>
    public async Task<OAuthValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaximumTokenBytes || token.Count(c => c == '.') != 2)
        {
            return new OAuthValidation(null, "the token is not a signed JWT (header.payload.signature)");
        }

        string? kid;
        try
        {
            kid = new JsonWebToken(token).Kid;
        }
        catch (ArgumentException)
        {
            return new OAuthValidation(null, "the token is not a well-formed JWT");
        }

        var keys = await KeysAsync(string.IsNullOrEmpty(kid) ? null : kid, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return new OAuthValidation(null, "the OAuth issuer's keys could not be fetched", Unavailable: true);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _settings.Issuer,
            ValidateIssuer = true,
            ValidAudience = _settings.Audience,
            ValidateAudience = true,
            RequireAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = _settings.ClockSkew,
            RequireSignedTokens = true,
            IssuerSigningKeys = keys.Keys,
            ValidAlgorithms = Algorithms,
            ValidateIssuerSigningKey = false,
            ValidTypes = _settings.ValidTypes,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return new OAuthValidation(null, Describe(result.Exception));
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var start = jwt.ValidFrom != DateTime.MinValue ? jwt.ValidFrom : jwt.IssuedAt != DateTime.MinValue ? jwt.IssuedAt : now;
        if (jwt.ValidTo - start > _settings.MaximumTokenLifetime || jwt.ValidTo - now > _settings.MaximumTokenLifetime + _settings.ClockSkew)
        {
            return new OAuthValidation(null, $"the token is valid for longer than {_settings.MaximumTokenLifetime.TotalHours:0} h (exp too far from nbf, iat or now)");
        }

        if (string.IsNullOrEmpty(jwt.Subject))
        {
            return new OAuthValidation(null, "the token has no sub (the agent's subject)");
        }

        if (_settings.RequiredScopes.Count > 0)
        {
            // RFC 9068 `scope` is a space-separated string; Entra ID's `scp` is one too, Okta's an array: the library
            // gives an array claim as one claim per element, so both shapes are read the same way.
            var granted = jwt.Claims
                .Where(claim => claim.Type is "scope" or "scp")
                .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .ToHashSet(StringComparer.Ordinal);
            var missing = _settings.RequiredScopes.Where(scope => !granted.Contains(scope)).ToList();
            if (missing.Count > 0)
            {
                return new OAuthValidation(null, $"the token's scope lacks {string.Join(' ', missing)} (--oauth-scope)") { InsufficientScope = true };
            }
        }

        return new OAuthValidation(jwt.Subject, null) { Issuer = jwt.Issuer };
    }

    /// <summary>Closes the HTTP client that fetches the issuer's documents.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _fetching.Dispose();
    }

    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenInvalidAudienceException => "the token's aud does not contain this server's resource (it was issued for another resource)",
        SecurityTokenInvalidIssuerException => "the token's iss is not this server's OAuth issuer",
        SecurityTokenExpiredException => "the token has expired (exp)",
        SecurityTokenNotYetValidException => "the token is not valid yet (nbf)",
        SecurityTokenNoExpirationException => "the token has no exp",
        SecurityTokenInvalidLifetimeException => "the token's lifetime (nbf, exp) is not valid",
        SecurityTokenInvalidAlgorithmException => "the token's alg is not accepted (RS, PS or ES algorithms only)",
        SecurityTokenSignatureKeyNotFoundException => "the token's kid names no key of the OAuth issuer",
        SecurityTokenInvalidSignatureException => "the token's signature is not one of the OAuth issuer's keys",
        SecurityTokenMalformedException => "the token is not a well-formed JWT",
        SecurityTokenInvalidTypeException => "the token's typ is not at+jwt (an RFC 9068 access token; an ID token or other JWT is not one)",
        _ => "the token is not a valid access token of this server's OAuth issuer",
    };

    private bool NeedsFetch(KeySnapshot? current, string? kid, DateTimeOffset now, out bool forUnknownKid)
    {
        forUnknownKid = false;
        var failed = Interlocked.Read(ref _lastFailure);
        if (failed != 0 && now.UtcTicks - failed < FailedFetchPause.Ticks)
        {
            return false;
        }

        if (current is null || now - current.Fetched >= _settings.KeyRefreshAge)
        {
            return true;
        }

        var last = Interlocked.Read(ref _lastUnknownKidRefresh);
        forUnknownKid = kid is not null && !current.Kids.Contains(kid)
            && (last == 0 || now.UtcTicks - last >= _settings.UnknownKeyRefreshInterval.Ticks);
        return forUnknownKid;
    }

    private async Task<KeySnapshot?> KeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _keys);
        if (!NeedsFetch(current, kid, _time.GetUtcNow(), out _))
        {
            return Usable(current);
        }

        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched while this one waited: decide again with what is known now.
            current = _keys;
            var now = _time.GetUtcNow();
            if (!NeedsFetch(current, kid, now, out var forUnknownKid))
            {
                return Usable(current);
            }

            if (forUnknownKid)
            {
                Interlocked.Exchange(ref _lastUnknownKidRefresh, now.UtcTicks);
            }

            // Not the request's token: a client that hangs up must not leave a failed fetch (and its pause) behind.
            var fetched = await FetchAsync(CancellationToken.None).ConfigureAwait(false);
            if (fetched is null)
            {
                Interlocked.Exchange(ref _lastFailure, _time.GetUtcNow().UtcTicks);
                return Usable(current);
            }

            Interlocked.Exchange(ref _lastFailure, 0);
            Volatile.Write(ref _keys, fetched);
            return fetched;
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>Keys the issuer could not confirm for a day are no longer trusted (a key it withdrew must stop working).</summary>
    private KeySnapshot? Usable(KeySnapshot? keys) => keys is not null && _time.GetUtcNow() - keys.Fetched < StaleKeysDropped ? keys : null;

    private async Task<KeySnapshot?> FetchAsync(CancellationToken cancellationToken)
    {
        var issuer = new Uri(_settings.Issuer);
        var path = issuer.AbsolutePath.TrimEnd('/');
        var candidates = new[]
        {
            // RFC 8414: the well-known segment goes between the host and the issuer's path; then OpenID Connect discovery.
            new Uri(issuer.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-authorization-server" + path),
            new Uri(_settings.Issuer.TrimEnd('/') + "/.well-known/openid-configuration"),
        };
        foreach (var address in candidates)
        {
            var metadata = await GetAsync(address, cancellationToken).ConfigureAwait(false);
            if (metadata is null)
            {
                continue;
            }

            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = OpenIdConnectConfiguration.Create(metadata);
            }
            catch (Exception error) when (IsUnreadable(error))
            {
                continue;
            }

            // RFC 8414 section 3.3: the metadata must name the very issuer it was fetched for, or it is not used.
            if (!string.Equals(configuration.Issuer, _settings.Issuer, StringComparison.Ordinal)
                || !Uri.TryCreate(configuration.JwksUri, UriKind.Absolute, out var jwksUri)
                || !(jwksUri.Scheme == "https" || (jwksUri.Scheme == "http" && OAuthSettings.IsLoopback(jwksUri))))
            {
                return null;
            }

            var jwks = await GetAsync(jwksUri, cancellationToken).ConfigureAwait(false);
            if (jwks is null)
            {
                return null;
            }

            try
            {
                var set = new JsonWebKeySet(jwks);

                // Signing keys of an asymmetric kind only: an `oct` key in the set could never serve, and is left out.
                var keys = set.Keys
                    .Where(key => key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve
                        && (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig))
                    .ToList();
                return new KeySnapshot(
                    [.. keys],
                    keys.Where(key => !string.IsNullOrEmpty(key.KeyId)).Select(key => key.KeyId).ToHashSet(StringComparer.Ordinal),
                    _time.GetUtcNow());
            }
            catch (Exception error) when (IsUnreadable(error))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>What the library's parsers throw for a document that is not what it should be.</summary>
    private static bool IsUnreadable(Exception error) =>
        error is ArgumentException or System.Text.Json.JsonException or InvalidOperationException or FormatException or InvalidCastException or OverflowException;

    private async Task<string?> GetAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(address, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == System.Net.HttpStatusCode.OK
                ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    private sealed record KeySnapshot(IReadOnlyList<SecurityKey> Keys, HashSet<string> Kids, DateTimeOffset Fetched);
}
