namespace HsmWallet.Core.Approvals;

/// <summary>
/// A person enrolled to approve with a passkey: what the vault's authenticated settings keep so an assertion can be
/// checked later, by the server now and by an auditor afterwards. Public data only; the private key never leaves
/// the authenticator.
/// </summary>
/// <param name="Name">The approver's name, shown on the page and recorded with each grant.</param>
/// <param name="CredentialId">The WebAuthn credential id, base64url without padding, as the browser reports it.</param>
/// <param name="PublicKey">The credential's public key in COSE form, exactly as the WebAuthn library returned it at enrolment.</param>
/// <param name="SignCount">The highest signature counter seen; an assertion must exceed it (when either is non-zero) or it is a replay or a clone.</param>
public sealed record EnrolledApprover(string Name, string CredentialId, byte[] PublicKey, uint SignCount)
{
    /// <summary>Removed from the approvers: its assertions no longer grant anything, but its key stays so an auditor can still check past approvals.</summary>
    public bool Retired { get; init; }
}
