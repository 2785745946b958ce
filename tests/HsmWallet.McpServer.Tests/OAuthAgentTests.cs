using System.Net;
using System.Text.Json.Nodes;
using HsmWallet.McpServer.Http;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// hsmwallet-mcp --http --oauth-issuer: access tokens (JWTs) of the operator's authorization server let in the agent
/// whose --oauth-subject is their sub, with that agent's wallets and name, beside the hwa_ tokens; every token that is
/// not for this resource, not from this issuer, expired, forged or for an unknown or revoked subject is refused with a
/// 401 that points to the protected resource metadata.
/// </summary>
public sealed class OAuthAgentTests : IDisposable
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private readonly TestIssuer _issuer = TestIssuer.Start();

    public void Dispose() => _issuer.Dispose();

    private static object Payment() =>
        new { TransactionType = "Payment", Destination, Amount = "1000", Fee = "12", Sequence = 1, LastLedgerSequence = 5000 };

    private static string Audience(int port) => $"http://127.0.0.1:{port}/mcp";

    private Task<HttpTestServer> StartAsync() => HttpTestServer.StartAsync(port => new HttpSettings
    {
        Listen = new IPEndPoint(IPAddress.Loopback, port),
        OAuth = new OAuthSettings { Issuer = _issuer.Issuer, Audience = Audience(port) },
    });

    private static async Task<string> RefusedChallengeAsync(HttpTestServer server, string? token)
    {
        using var refused = await server.PostInitializeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var challenge = Assert.Single(refused.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"resource_metadata=\"http://127.0.0.1:{server.Port}/.well-known/oauth-protected-resource/mcp\"", challenge.Parameter, StringComparison.Ordinal);
        return challenge.Parameter!;
    }

    [Fact]
    public async Task A_JWT_whose_sub_is_an_agent_calls_tools_and_the_audit_names_that_agent_and_hwa_tokens_still_work()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        var hwa = server.Agents.Add("ops", null);

        await using var client = await server.ConnectAsync(_issuer.Mint("client-7f3a", Audience(server.Port)));
        var (createError, created) = await server.CallAsync(client, "wallet_create", new { name = "alpha" });
        Assert.False(createError, created.ToJsonString());
        var (signError, signed) = await server.CallAsync(client, "tx_sign", new { wallet = "alpha", tx = Payment(), autofill = false });
        Assert.False(signError, signed.ToJsonString());
        var entry = Assert.Single(server.AuditEntries("transaction.sign"));
        Assert.Contains("agent:robot", entry.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("client-7f3a", entry.ToJsonString(), StringComparison.Ordinal);

        await using var bearer = await server.ConnectAsync(hwa);
        var (listError, listed) = await server.CallAsync(bearer, "wallet_list");
        Assert.False(listError, listed.ToJsonString());
    }

    [Fact]
    public async Task A_JWT_for_another_resource_from_another_issuer_expired_or_too_long_lived_is_refused_as_invalid_token()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        var now = DateTime.UtcNow;
        var refusedTokens = new Dictionary<string, string>
        {
            ["aud"] = _issuer.Mint("client-7f3a", "https://other-resource.example/mcp"),
            ["iss"] = _issuer.Mint("client-7f3a", Audience(server.Port), issuer: "https://evil.example"),
            ["exp"] = _issuer.Mint("client-7f3a", Audience(server.Port), notBefore: now.AddHours(-3), expires: now.AddHours(-2)),
            ["nbf"] = _issuer.Mint("client-7f3a", Audience(server.Port), notBefore: now.AddHours(1), expires: now.AddHours(2)),
            ["24 h"] = _issuer.Mint("client-7f3a", Audience(server.Port), expires: now.AddHours(48)),
            ["no sub"] = _issuer.MintClaims(Audience(server.Port), new Dictionary<string, object> { ["scope"] = "mcp" }),
        };

        foreach (var (rule, token) in refusedTokens)
        {
            var challenge = await RefusedChallengeAsync(server, token);
            Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
            Assert.Contains(rule, challenge, StringComparison.Ordinal);
        }

        using var accepted = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port)));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_unsigned_JWT_an_HS256_one_keyed_with_the_public_key_and_one_signed_by_an_unpublished_key_are_refused()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        using var stranger = SigningKey.Ecdsa("key-1");
        using var unknown = SigningKey.Rsa("key-unknown");

        var forged = new[]
        {
            _issuer.MintUnsigned("client-7f3a", Audience(server.Port)),
            _issuer.MintWithPublicKeyAsSecret("client-7f3a", Audience(server.Port)),
            _issuer.Mint("client-7f3a", Audience(server.Port), key: stranger),
            _issuer.Mint("client-7f3a", Audience(server.Port), key: unknown),
            "not.a.jwt",
        };

        foreach (var token in forged)
        {
            var challenge = await RefusedChallengeAsync(server, token);
            Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_valid_JWT_whose_sub_is_unknown_or_revoked_is_refused_and_no_token_gets_a_challenge_without_error()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        var token = _issuer.Mint("client-7f3a", Audience(server.Port));
        using (var ok = await server.PostInitializeAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var stranger = await RefusedChallengeAsync(server, _issuer.Mint("someone-else", Audience(server.Port)));
        Assert.Contains("error=\"invalid_token\"", stranger, StringComparison.Ordinal);
        Assert.Contains("sub", stranger, StringComparison.Ordinal);

        server.Agents.Revoke("robot");
        var revoked = await RefusedChallengeAsync(server, token);
        Assert.Contains("error=\"invalid_token\"", revoked, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync(token));

        var none = await RefusedChallengeAsync(server, null);
        Assert.DoesNotContain("error=", none, StringComparison.Ordinal);

        // The subject of a revoked agent may be bound again, to a new agent: its tokens then stand for that one.
        server.Agents.AddOAuthSubject("robot2", null, "client-7f3a");
        using var again = await server.PostInitializeAsync(token);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_key_the_issuer_rotates_in_is_accepted_after_one_refresh_and_more_unknown_kids_do_not_refetch_at_once()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        using (var first = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port))))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(1, _issuer.KeyFetches);
        var rotated = SigningKey.Rsa("key-2");
        _issuer.Publish(rotated);
        using (var afterRotation = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port), key: rotated)))
        {
            Assert.Equal(HttpStatusCode.OK, afterRotation.StatusCode);
        }

        Assert.Equal(2, _issuer.KeyFetches);
        using var forged = SigningKey.Ecdsa("key-3");
        for (var i = 0; i < 5; i++)
        {
            await RefusedChallengeAsync(server, _issuer.Mint("client-7f3a", Audience(server.Port), key: forged));
        }

        using (var stillGood = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port), key: rotated)))
        {
            Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
        }

        Assert.Equal(2, _issuer.KeyFetches);
    }

    [Fact]
    public async Task The_protected_resource_metadata_names_this_resource_its_issuer_and_header_tokens_without_a_token()
    {
        await using var server = await StartAsync();
        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            using var response = await server.Http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}{path}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(Audience(server.Port), document["resource"]!.GetValue<string>());
            Assert.Equal([_issuer.Issuer], document["authorization_servers"]!.AsArray().Select(item => item!.GetValue<string>()));
            Assert.Equal(["header"], document["bearer_methods_supported"]!.AsArray().Select(item => item!.GetValue<string>()));
        }

        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{server.Port}/.well-known/oauth-protected-resource"));
        rebound.Headers.Host = "attacker.example";
        using var misdirected = await server.Http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, misdirected.StatusCode);
    }

    [Fact]
    public async Task A_JWT_agent_sees_only_its_wallets()
    {
        await using var server = await StartAsync();
        await using var admin = await server.ConnectAsync(server.Agents.Add("admin", null));
        await server.CallAsync(admin, "wallet_create", new { name = "alpha" });
        await server.CallAsync(admin, "wallet_create", new { name = "beta" });
        server.Agents.AddOAuthSubject("robot", ["alpha"], "client-7f3a");
        await using var robot = await server.ConnectAsync(_issuer.Mint("client-7f3a", Audience(server.Port)));

        var (_, listed) = await server.CallAsync(robot, "wallet_list");
        Assert.Equal(["alpha"], listed["wallets"]!.AsArray().Select(wallet => wallet!["name"]!.GetValue<string>()));
        var (betaError, _) = await server.CallAsync(robot, "tx_sign", new { wallet = "beta", tx = Payment(), autofill = false });
        Assert.True(betaError);
        var (alphaError, signed) = await server.CallAsync(robot, "tx_sign", new { wallet = "alpha", tx = Payment(), autofill = false });
        Assert.False(alphaError, signed.ToJsonString());
    }

    [Theory]
    [InlineData("""{"issuer":"https://evil.example/tenant","jwks_uri":"https://evil.example/jwks"}""")]
    [InlineData("not json at all")]
    [InlineData("""{"issuer":["a"],"jwks_uri":7}""")]
    public async Task Metadata_that_names_another_issuer_or_cannot_be_read_is_not_used_and_requests_are_refused_with_503(string metadata)
    {
        _issuer.MetadataBody = metadata;
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, "client-7f3a");
        using var response = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, _issuer.KeyFetches);
        using var hwa = await server.PostInitializeAsync(server.Agents.Add("ops", null));
        Assert.Equal(HttpStatusCode.OK, hwa.StatusCode);
    }

    [Fact]
    public void The_oauth_options_need_https_outside_loopback_and_each_other_naming_the_option()
    {
        var clear = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse("http://auth.example", "https://wallet.example/mcp"));
        Assert.Equal("--oauth-issuer", clear.Field);
        var noAudience = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse("https://auth.example", null));
        Assert.Equal("--oauth-audience", noAudience.Field);
        var alone = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse(null, "https://wallet.example/mcp"));
        Assert.Equal("--oauth-audience", alone.Field);
        var fragment = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse("https://auth.example", "https://wallet.example/mcp#x"));
        Assert.Equal("--oauth-audience", fragment.Field);
        var viaHttp = Assert.Throws<Core.InvalidInputException>(() => HttpSettings.Parse("127.0.0.1:8765", null, null, null, null, "https://auth.example", "http://wallet.example/mcp"));
        Assert.Equal("--oauth-audience", viaHttp.Field);

        var settings = HttpSettings.Parse("127.0.0.1:8765", null, null, null, null, "http://127.0.0.1:9000/tenant", "http://127.0.0.1:8765/mcp").OAuth!;
        Assert.Equal("http://127.0.0.1:8765/.well-known/oauth-protected-resource/mcp", settings.ResourceMetadataUrl.AbsoluteUri);
        Assert.Null(HttpSettings.Parse("127.0.0.1:8765", null, null, null, null).OAuth);
    }
}
