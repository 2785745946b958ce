namespace HsmWallet.Core.Approvals;

/// <summary>
/// The port through which Core has a WebAuthn assertion checked by a maintained library (the adapter lives in
/// Hosting), so Core holds no CBOR or COSE code yet decides itself which challenge and which keys count.
/// </summary>
public interface IApprovalAssertionVerifier
{
    /// <summary>
    /// Checks that <paramref name="assertionJson"/> is a valid assertion by one of <paramref name="approvers"/> over exactly
    /// <paramref name="challenge"/>, made on the page at exactly <paramref name="origin"/> (signature, origin, RP id, user
    /// presence and verification, sign counter unless <paramref name="checkCounter"/> is false, as for an auditor's later
    /// check), and returns who made it with the new counter; throws <see cref="ApprovalException"/> (approval_declined) otherwise.
    /// </summary>
    PasskeyVerification Verify(string assertionJson, ReadOnlySpan<byte> challenge, string origin, IReadOnlyList<EnrolledApprover> approvers, bool checkCounter = true);
}

/// <summary>Who made a verified assertion and the signature counter it carried, to be stored so a replay is refused.</summary>
/// <param name="Approver">The enrolled approver whose credential signed.</param>
/// <param name="SignCount">The counter the authenticator reported.</param>
public sealed record PasskeyVerification(EnrolledApprover Approver, uint SignCount);
