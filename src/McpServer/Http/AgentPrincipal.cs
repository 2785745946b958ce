using System.Security.Claims;
using HsmWallet.Hosting.Agents;

namespace HsmWallet.McpServer.Http;

/// <summary>
/// The authenticated agent as the HTTP request's user: the SDK carries the request's user to every message of the
/// request (and binds a session to the user that opened it), so the pipeline reads the agent from the call itself,
/// never from ambient state. Over stdio there is no user, and no agent.
/// </summary>
public static class AgentPrincipal
{
    /// <summary>The authentication type the bearer-token check gives its principals.</summary>
    public const string AuthenticationType = "HsmWalletAgentToken";

    private const string WalletsClaim = "hsmwallet:wallets";
    private const string CreatedClaim = "hsmwallet:created";

    /// <summary>The principal of <paramref name="agent"/>: its name (also the session's user id) and its wallet list.</summary>
    public static ClaimsPrincipal For(AgentRecord agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, agent.Name),
            new(ClaimTypes.Name, agent.Name),
            new(CreatedClaim, agent.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (agent.Wallets is { } wallets)
        {
            claims.AddRange(wallets.Select(wallet => new Claim(WalletsClaim, wallet)));
        }
        else
        {
            claims.Add(new Claim(WalletsClaim, "*"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The agent <paramref name="user"/> stands for, or null when the call came without one (stdio).</summary>
    public static AgentRecord? From(ClaimsPrincipal? user)
    {
        if (user?.Identities.FirstOrDefault(identity => identity.AuthenticationType == AuthenticationType) is not { } identity
            || identity.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { Length: > 0 } name)
        {
            return null;
        }

        var wallets = identity.FindAll(WalletsClaim).Select(claim => claim.Value).ToList();
        var created = DateTimeOffset.TryParse(identity.FindFirst(CreatedClaim)?.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var when) ? when : DateTimeOffset.MinValue;
        return new AgentRecord(name, wallets is ["*"] ? null : wallets, created, Revoked: false);
    }
}
