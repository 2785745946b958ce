namespace HsmWallet.Core.Approvals;

/// <summary>
/// What a passkey grant carries so Core (and an auditor) can check it: the browser's assertion as it sent it, and the
/// server nonce that, with the approval binding, makes the challenge the authenticator signed.
/// </summary>
/// <param name="ResponseJson">The PublicKeyCredential as JSON (id, rawId, type, response with clientDataJSON, authenticatorData, signature, userHandle).</param>
/// <param name="Nonce">The page's single-use server nonce, lowercase hex (32 bytes).</param>
public sealed record PasskeyAssertion(string ResponseJson, string Nonce);
