namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Asks several sources in order (explicit files, key files, systemd credentials, environment, terminal)
/// and answers with the first secret found: the one object a host hands to the vault.
/// </summary>
public sealed class SecretSourceChain : ISecretSource
{
    private readonly ISecretSource[] _sources;

    /// <summary>Chains the sources in the order given.</summary>
    public SecretSourceChain(params ISecretSource[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = [.. sources];
    }

    /// <inheritdoc />
    public bool IsInteractive => _sources.Any(source => source.IsInteractive);

    /// <summary>
    /// The standard order for the CLI and the MCP server: explicit files first, then systemd credentials,
    /// the environment (with a warning), and a terminal prompt when stdin is a terminal.
    /// </summary>
    public static SecretSourceChain ForHost(SecretOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sources = new List<ISecretSource>();
        if (options.PasswordFile is not null)
        {
            sources.Add(new SecretFileSource(options.PasswordFile, SecretKind.Password));
        }

        if (options.PinFile is not null)
        {
            sources.Add(new SecretFileSource(options.PinFile, SecretKind.Pin));
        }

        if (options.RecoveryKeyFile is not null)
        {
            sources.Add(new SecretFileSource(options.RecoveryKeyFile, SecretKind.RecoveryKey));
        }

        sources.Add(new KeyFileSecretSource(options.KeyFile));
        sources.Add(SystemdCredentialSource.FromEnvironment(options.GetEnvironment));
        sources.Add(new EnvironmentSecretSource(options.Warn, options.GetEnvironment));
        if (options.AllowPrompt && options.Terminal is not null)
        {
            sources.Add(options.Terminal);
        }

        return new SecretSourceChain([.. sources]);
    }

    /// <summary>The same chain without its prompting sources: unlocking tries these on every slot first.</summary>
    public SecretSourceChain WithoutPrompts() => new([.. _sources.Where(source => !source.IsInteractive)]);

    /// <summary>Only the prompting sources: asked slot by slot once nothing else answered.</summary>
    public SecretSourceChain PromptsOnly() => new([.. _sources.Where(source => source.IsInteractive)]);

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        foreach (var source in _sources)
        {
            var secret = source.TryRead(request);
            if (secret is not null)
            {
                return secret;
            }
        }

        return null;
    }
}
