namespace HsmWallet.Core.Policy;

/// <summary>
/// The calling agent (an identity authenticated by the host, never a tool argument) and its own policy section, which
/// applies on top of the home's policy and can only tighten it: both must pass, the stricter decision wins.
/// </summary>
/// <param name="Agent">The agent's name, as the audit log names it (agent:NAME); its counters are kept under this name.</param>
/// <param name="Section">Its section as trusted now, or null when it has none (the home's policy alone decides); one with a <see cref="PolicyFile.Problem"/> denies every signature.</param>
public sealed record AgentPolicy(string Agent, PolicyFile? Section)
{
    /// <summary>The section's name in reasons and audit entries: agent:NAME.</summary>
    public string SectionName => "agent:" + Agent;
}

/// <summary>Where a host finds each agent's policy section (the home's agent list), so Core never reads it from a request.</summary>
public interface IAgentPolicySource
{
    /// <summary>
    /// The section of agent <paramref name="agent"/> as trusted now: null when it has none, a <see cref="PolicyFile"/> with a
    /// <see cref="PolicyFile.Problem"/> when its file or the agent list cannot be trusted, or the agent is unknown or revoked.
    /// </summary>
    PolicyFile? SectionOf(string agent);
}
