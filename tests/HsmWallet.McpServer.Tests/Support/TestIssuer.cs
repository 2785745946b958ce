using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>
/// An OAuth 2.1 authorization server for the tests, on a free loopback port (HttpListener): it serves its RFC 8414
/// metadata (the issuer has a path, so the well-known segment is inserted before it) and its JWKS, and mints access
/// tokens with keys made here (ECDSA P-256 and RSA) through Microsoft.IdentityModel, as a real issuer would.
/// </summary>
public sealed class TestIssuer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SigningKey> _published = [];
    private readonly Task _serving;
    private int _keyFetches;

    private TestIssuer(int port)
    {
        Origin = $"http://127.0.0.1:{port}";
        Issuer = Origin + "/tenant";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The issuer identifier (its tokens' iss).</summary>
    public string Issuer { get; }

    /// <summary>scheme://host:port of the issuer.</summary>
    public string Origin { get; }

    /// <summary>What the metadata names as the issuer (the real one unless a test makes it lie).</summary>
    public string? MetadataIssuer { get; set; }

    /// <summary>A body served instead of the metadata (not JSON, say), or null.</summary>
    public string? MetadataBody { get; set; }

    /// <summary>How many times the JWKS was fetched.</summary>
    public int KeyFetches => Volatile.Read(ref _keyFetches);

    /// <summary>Starts an issuer publishing one ECDSA key.</summary>
    public static TestIssuer Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var issuer = new TestIssuer(FreePort());
                issuer.Publish(SigningKey.Ecdsa("key-1"));
                return issuer;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>The first key published.</summary>
    public SigningKey Key
    {
        get
        {
            lock (_published)
            {
                return _published[0];
            }
        }
    }

    /// <summary>Adds <paramref name="key"/> to the JWKS (a rotation publishes the new key beside the old).</summary>
    public void Publish(SigningKey key)
    {
        lock (_published)
        {
            _published.Add(key);
        }
    }

    /// <summary>
    /// An access token as an RFC 9068 issuer mints one: typ at+jwt, sub, aud, scope "mcp", an hour's life, signed by
    /// <paramref name="key"/> (default: the first key); <paramref name="type"/> and <paramref name="scope"/> change them.
    /// </summary>
    public string Mint(string subject, string audience, SigningKey? key = null, string? issuer = null, DateTime? expires = null, DateTime? notBefore = null, string type = "at+jwt", object? scope = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = scope ?? "mcp" },
            SigningCredentials = (key ?? Key).Credentials,
            TokenType = type,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An access token with claims of the test's own (no sub, say), signed by the first key.</summary>
    public string MintClaims(string audience, Dictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = Key.Credentials,
            TokenType = "at+jwt",
        });
    }

    /// <summary>A token whose header says alg none, with no signature: the classic forgery.</summary>
    public string MintUnsigned(string subject, string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{Issuer}}","aud":"{{audience}}","sub":"{{subject}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""");
        return header + "." + payload + ".";
    }

    /// <summary>A token signed with HS256 whose secret is the published key's public key bytes (the key-confusion forgery), naming its kid.</summary>
    public string MintWithPublicKeyAsSecret(string subject, string audience)
    {
        var secret = new SymmetricSecurityKey(Key.PublicKeyBytes) { KeyId = Key.Kid };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        lock (_published)
        {
            foreach (var key in _published)
            {
                key.Dispose();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            string? body = null;
            if (path == "/.well-known/oauth-authorization-server/tenant")
            {
                body = MetadataBody ?? new JsonObject
                {
                    ["issuer"] = MetadataIssuer ?? Issuer,
                    ["jwks_uri"] = Origin + "/tenant/jwks",
                    ["authorization_endpoint"] = Issuer + "/authorize",
                    ["token_endpoint"] = Issuer + "/token",
                    ["response_types_supported"] = new JsonArray("code"),
                    ["code_challenge_methods_supported"] = new JsonArray("S256"),
                }.ToJsonString();
            }
            else if (path == "/tenant/jwks")
            {
                Interlocked.Increment(ref _keyFetches);
                lock (_published)
                {
                    body = new JsonObject { ["keys"] = new JsonArray([.. _published.Select(key => (JsonNode)key.Jwk())]) }.ToJsonString();
                }
            }

            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
            {
            }
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

/// <summary>A signing key of the test issuer: its private half signs tokens, its public half is published as a JWK.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private SigningKey(string kid, AsymmetricAlgorithm key, SecurityKey securityKey, string algorithm)
    {
        Kid = kid;
        _key = key;
        securityKey.KeyId = kid;
        Credentials = new SigningCredentials(securityKey, algorithm);
    }

    /// <summary>The key's id, as tokens name it in their header.</summary>
    public string Kid { get; }

    /// <summary>What signs a token with this key.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>The public key's SubjectPublicKeyInfo bytes.</summary>
    public byte[] PublicKeyBytes => _key.ExportSubjectPublicKeyInfo();

    /// <summary>A new ECDSA P-256 key (ES256).</summary>
    public static SigningKey Ecdsa(string kid)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SigningKey(kid, key, new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>A new RSA 2048 key (PS256).</summary>
    public static SigningKey Rsa(string kid)
    {
        var key = RSA.Create(2048);
        return new SigningKey(kid, key, new RsaSecurityKey(key), SecurityAlgorithms.RsaSsaPssSha256);
    }

    /// <summary>The public key as a JWK.</summary>
    public JsonObject Jwk()
    {
        if (_key is ECDsa ecdsa)
        {
            var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
            return new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
                ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
                ["kid"] = Kid,
                ["use"] = "sig",
                ["alg"] = "ES256",
            };
        }

        var rsa = ((RSA)_key).ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = Base64UrlEncoder.Encode(rsa.Modulus),
            ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
            ["kid"] = Kid,
            ["use"] = "sig",
            ["alg"] = "PS256",
        };
    }

    public void Dispose() => _key.Dispose();
}
