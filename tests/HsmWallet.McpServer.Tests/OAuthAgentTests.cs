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

    private Task<HttpTestServer> StartAsync(TestIssuer? issuer = null, IReadOnlyList<string>? scopes = null, bool acceptPlainJwtType = false) => HttpTestServer.StartAsync(port => new HttpSettings
    {
        Listen = new IPEndPoint(IPAddress.Loopback, port),
        OAuth = new OAuthSettings { Issuer = (issuer ?? _issuer).Issuer, Audience = Audience(port), RequiredScopes = scopes ?? [], AcceptPlainJwtType = acceptPlainJwtType },
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
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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
        server.Agents.AddOAuthSubject("robot2", null, _issuer.Issuer, "client-7f3a");
        using var again = await server.PostInitializeAsync(token);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_key_the_issuer_rotates_in_is_accepted_after_one_refresh_and_more_unknown_kids_do_not_refetch_at_once()
    {
        await using var server = await StartAsync();
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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
    public async Task The_same_sub_at_another_issuer_is_not_the_agent_bound_at_the_first_one_after_the_server_changes_issuer()
    {
        using var other = TestIssuer.Start();
        await using var server = await StartAsync(issuer: other);
        var admin = server.Agents.Add("admin", null);
        await using (var adminClient = await server.ConnectAsync(admin))
        {
            await server.CallAsync(adminClient, "wallet_create", new { name = "alpha" });
        }

        // Bound under the first issuer; the server now trusts the other one, which has a client with the same sub.
        server.Agents.AddOAuthSubject("robot", ["alpha"], _issuer.Issuer, "client-7f3a");
        var sameSubOtherIssuer = other.Mint("client-7f3a", Audience(server.Port));
        var challenge = await RefusedChallengeAsync(server, sameSubOtherIssuer);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("iss and sub", challenge, StringComparison.Ordinal);

        // The first issuer's own token is refused too (its iss is not the server's issuer any more).
        var firstIssuers = await RefusedChallengeAsync(server, _issuer.Mint("client-7f3a", Audience(server.Port)));
        Assert.Contains("error=\"invalid_token\"", firstIssuers, StringComparison.Ordinal);

        // Bound again under the new issuer, the sub is a new agent of its own, with its own wallets and audit name.
        server.Agents.AddOAuthSubject("robot-new", null, other.Issuer, "client-7f3a");
        await using var client = await server.ConnectAsync(sameSubOtherIssuer);
        var (error, created) = await server.CallAsync(client, "wallet_create", new { name = "beta" });
        Assert.False(error, created.ToJsonString());
        var entry = server.AuditEntries("wallet.create")[^1];
        Assert.Contains("agent:robot-new", entry.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("agent:robot\"", entry.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_recorded_without_an_issuer_by_an_older_version_is_listed_but_no_token_lets_it_in_until_bound_again()
    {
        await using var server = await StartAsync();
        WriteVersionOneAgentList(server.Home, """{"name":"legacy","wallets":null,"created":"2026-11-01T00:00:00.0000000+00:00","revoked":false,"oauth_subject":"client-7f3a"}""");
        var legacy = Assert.Single(server.Agents.List());
        Assert.True(legacy.LacksIssuer);
        Assert.Null(server.Agents.AuthenticateSubject(_issuer.Issuer, "client-7f3a"));

        var token = _issuer.Mint("client-7f3a", Audience(server.Port));
        var challenge = await RefusedChallengeAsync(server, token);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("--oauth-issuer", challenge, StringComparison.Ordinal);

        // The operator's fix: revoke it and bind the subject again with its issuer (written as version 2).
        server.Agents.Revoke("legacy");
        server.Agents.AddOAuthSubject("legacy-2", null, _issuer.Issuer, "client-7f3a");
        using var accepted = await server.PostInitializeAsync(token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(server.Home, "agents.json")))!;
        Assert.Equal(2, written["version"]!.GetValue<int>());
        Assert.Equal(_issuer.Issuer, written["agents"]![1]!["oauth_issuer"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_whose_typ_is_not_at_jwt_is_refused_unless_the_server_accepts_plain_JWT()
    {
        await using var strict = await StartAsync();
        strict.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
        foreach (var type in new[] { "JWT", "id+jwt" })
        {
            var challenge = await RefusedChallengeAsync(strict, _issuer.Mint("client-7f3a", Audience(strict.Port), type: type));
            Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
            Assert.Contains("typ is not at+jwt", challenge, StringComparison.Ordinal);
        }

        using (var mediaType = await strict.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(strict.Port), type: "application/at+jwt")))
        {
            Assert.Equal(HttpStatusCode.OK, mediaType.StatusCode);
        }

        await using var lenient = await StartAsync(acceptPlainJwtType: true);
        lenient.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
        using (var plain = await lenient.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(lenient.Port), type: "JWT")))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        var stillRefused = await RefusedChallengeAsync(lenient, _issuer.Mint("client-7f3a", Audience(lenient.Port), type: "id+jwt"));
        Assert.Contains("typ", stillRefused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_without_the_required_scope_is_refused_with_403_insufficient_scope_naming_the_scope()
    {
        await using var server = await StartAsync(scopes: ["wallet:sign"]);
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");

        foreach (var scope in new object[] { "mcp", "mcp wallet:signer", new[] { "mcp" } })
        {
            using var refused = await server.PostInitializeAsync(_issuer.Mint("client-7f3a", Audience(server.Port), scope: scope));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var challenge = Assert.Single(refused.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"wallet:sign\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains($"resource_metadata=\"http://127.0.0.1:{server.Port}/.well-known/oauth-protected-resource/mcp\"", challenge.Parameter, StringComparison.Ordinal);
        }

        // The scope in a space-separated scope, or in an scp array (Okta) or string (Entra ID), is enough.
        var granted = new[]
        {
            _issuer.Mint("client-7f3a", Audience(server.Port), scope: "mcp wallet:sign"),
            _issuer.MintClaims(Audience(server.Port), new Dictionary<string, object> { ["sub"] = "client-7f3a", ["scp"] = new[] { "mcp", "wallet:sign" } }),
            _issuer.MintClaims(Audience(server.Port), new Dictionary<string, object> { ["sub"] = "client-7f3a", ["scp"] = "wallet:sign" }),
        };
        foreach (var token in granted)
        {
            using var accepted = await server.PostInitializeAsync(token);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // Without a token the 401 names the scope too, and so does the protected resource metadata.
        var none = await RefusedChallengeAsync(server, null);
        Assert.Contains("scope=\"wallet:sign\"", none, StringComparison.Ordinal);
        using var metadata = await server.Http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/.well-known/oauth-protected-resource/mcp"));
        var document = JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!;
        Assert.Equal(["wallet:sign"], document["scopes_supported"]!.AsArray().Select(item => item!.GetValue<string>()));
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
        server.Agents.AddOAuthSubject("robot", ["alpha"], _issuer.Issuer, "client-7f3a");
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
        server.Agents.AddOAuthSubject("robot", null, _issuer.Issuer, "client-7f3a");
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

        var scopeAlone = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse(null, null, ["mcp"]));
        Assert.Equal("--oauth-scope", scopeAlone.Field);
        var typAlone = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse(null, null, null, acceptPlainJwtType: true));
        Assert.Equal("--oauth-accept-jwt-typ", typAlone.Field);
        foreach (var bad in new[] { "a\"b", "a b", "a\\b", string.Empty })
        {
            var badScope = Assert.Throws<Core.InvalidInputException>(() => OAuthSettings.Parse("https://auth.example", "https://wallet.example/mcp", [bad]));
            Assert.Equal("--oauth-scope", badScope.Field);
        }

        Assert.Equal(["mcp", "wallet:sign"], OAuthSettings.Parse("https://auth.example", "https://wallet.example/mcp", ["mcp", "wallet:sign", "mcp"])!.RequiredScopes);
        var wired = HttpSettings.Parse("127.0.0.1:8765", null, null, null, null, "http://127.0.0.1:9000/tenant", "http://127.0.0.1:8765/mcp", ["mcp"], oauthAcceptPlainJwtType: true).OAuth!;
        Assert.Equal(["mcp"], wired.RequiredScopes);
        Assert.Contains("JWT", wired.ValidTypes);
        Assert.DoesNotContain("JWT", settings.ValidTypes);
    }

    /// <summary>Writes agents.json as a version before issuers were recorded would have, and records its hash as `hsmwallet agent` does.</summary>
    private static void WriteVersionOneAgentList(string home, string agentJson)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($$"""{"version":1,"agents":[{{agentJson}}]}""");
        var path = Path.Combine(home, "agents.json");
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var vault = new Core.Vault.WalletVault(Core.Vault.WalletHome.At(home), KeyProviders.StandardKeyProviders.CreateRegistry());
        var unlock = new Core.Vault.UnlockOptions(Core.Secrets.Sources.SecretSourceChain.ForHost(new Core.Secrets.Sources.SecretOptions { AllowPrompt = false }));
        vault.Update(unlock, unlocked =>
        {
            unlocked.SetSetting(Core.Vault.VaultSettingNames.AgentsSha256, System.Security.Cryptography.SHA256.HashData(bytes));
            return true;
        });
    }
}
