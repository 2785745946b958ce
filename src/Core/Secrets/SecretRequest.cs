namespace HsmWallet.Core.Secrets;

/// <summary>
/// One request for a secret: which kind, the words of a prompt, and (for key files) where the file was at
/// enrolment, so a source can answer without the caller knowing which unlocker asked.
/// </summary>
/// <param name="Kind">The kind of secret wanted.</param>
/// <param name="Prompt">Words shown before a terminal prompt, e.g. "Password for slot 1".</param>
/// <param name="HintPath">A file the secret was kept in at enrolment (key files); never itself secret.</param>
/// <param name="Confirm">True when a new secret is being chosen: a prompt asks twice.</param>
/// <param name="MinimumLength">
/// The shortest new secret the unlocker accepts, in bytes, so a prompt refuses a short one right after the
/// first entry and asks again (the unlocker checks it too, whatever the source).
/// </param>
public sealed record SecretRequest(SecretKind Kind, string Prompt, string? HintPath = null, bool Confirm = false, int MinimumLength = 0);
