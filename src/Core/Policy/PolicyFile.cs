namespace HsmWallet.Core.Policy;

/// <summary>
/// The policy as loaded from the home: trusted only when its canonical SHA-256 equals the hash the
/// vault recorded at `hsmwallet policy set`, so a hand edit (by an agent with file access, say)
/// turns every sensitive operation into a Deny instead of loosening the rules.
/// </summary>
public sealed class PolicyFile
{
    /// <summary>The reason every decision gives when the file was changed outside `hsmwallet policy set`.</summary>
    public const string HashMismatchMessage = "policy file does not match the recorded hash; re-apply with hsmwallet policy set";

    private PolicyFile(PolicyDocument? document, string? problem)
    {
        Document = document;
        Problem = problem;
    }

    /// <summary>The trusted document, or null when <see cref="Problem"/> says why there is none.</summary>
    public PolicyDocument? Document { get; }

    /// <summary>Why the policy cannot be trusted (every decision denies with it), or null.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Loads <paramref name="path"/> and checks it against <paramref name="expectedSha256"/> (null when no
    /// policy was ever set: then only an absent file is fine, and the built-in defaults apply).
    /// </summary>
    public static PolicyFile Load(string path, string? expectedSha256)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var text = PolicyFileStore.ReadChecked(path, "policy.json");
            if (text is null)
            {
                return expectedSha256 is null || string.Equals(expectedSha256, PolicyDocument.Default.Sha256, StringComparison.OrdinalIgnoreCase)
                    ? new PolicyFile(PolicyDocument.Default, null)
                    : new PolicyFile(null, HashMismatchMessage);
            }

            var document = PolicyDocument.Parse(text);
            return string.Equals(document.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase)
                ? new PolicyFile(document, null)
                : new PolicyFile(null, HashMismatchMessage);
        }
        catch (InvalidInputException exception)
        {
            return new PolicyFile(null, "policy file is unusable (" + exception.Message + "); re-apply with hsmwallet policy set");
        }
        catch (IOException)
        {
            return new PolicyFile(null, "policy file cannot be read; re-apply with hsmwallet policy set");
        }
        catch (UnauthorizedAccessException)
        {
            return new PolicyFile(null, "policy file cannot be read; re-apply with hsmwallet policy set");
        }
    }

    /// <summary>A trusted policy held in memory (tests, benches, and the CLI right after `policy set`).</summary>
    public static PolicyFile Trusted(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new PolicyFile(document, null);
    }

    /// <summary>A policy that cannot be trusted for the reason <paramref name="problem"/>: every decision under it denies with that reason.</summary>
    public static PolicyFile Untrusted(string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(problem);
        return new PolicyFile(null, problem);
    }

    /// <summary>Writes the canonical form of <paramref name="document"/> atomically, mode 0600.</summary>
    public static void Save(string path, PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        PolicyFileStore.WriteAtomic(path, document.CanonicalJson);
    }
}
