using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fido2NetLib;
using Fido2NetLib.Objects;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The WebAuthn adapter behind Core's <see cref="IApprovalAssertionVerifier"/> and the enrolment page: the maintained
/// Fido2 library does every CBOR, COSE and signature check. The relying party is "localhost" (the pages are served on
/// 127.0.0.1 and opened as http://localhost:PORT, a secure context browsers allow passkeys on); the origin must be
/// exactly the page's own, http://localhost:PORT, which Core reads from the nonce's authenticated port, so an assertion
/// a look-alike page on another port obtained is refused; user verification is required.
/// </summary>
public sealed partial class Fido2Passkeys : IApprovalAssertionVerifier
{
    /// <summary>The relying party id every approver credential is scoped to.</summary>
    public const string RelyingPartyId = "localhost";

    private const string RelyingPartyName = "HsmWallet approvals";

    /// <inheritdoc />
    public PasskeyVerification Verify(string assertionJson, ReadOnlySpan<byte> challenge, string origin, IReadOnlyList<EnrolledApprover> approvers, bool checkCounter = true)
    {
        ArgumentNullException.ThrowIfNull(assertionJson);
        ArgumentNullException.ThrowIfNull(approvers);
        if (origin is null || !LocalOrigin().IsMatch(origin))
        {
            throw Declined("the approval page's origin must be http://localhost:PORT");
        }

        var expected = challenge.ToArray();
        try
        {
            var response = JsonSerializer.Deserialize(assertionJson, PasskeyJsonContext.Default.AuthenticatorAssertionRawResponse)
                ?? throw Declined("the assertion is empty");
            var approver = approvers.FirstOrDefault(known => string.Equals(known.CredentialId, response.Id, StringComparison.Ordinal))
                ?? throw Declined("the assertion is not from an enrolled approver");
            var options = Library(origin).GetAssertionOptions(new GetAssertionOptionsParams
            {
                AllowedCredentials = [new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(approver.CredentialId))],
                UserVerification = UserVerificationRequirement.Required,
            });
            options.Challenge = expected;
            var result = Library(origin).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = options,
                StoredPublicKey = approver.PublicKey,
                StoredSignatureCounter = checkCounter ? approver.SignCount : 0,
                IsUserHandleOwnerOfCredentialIdCallback = (_, _) => Task.FromResult(true),
            }).GetAwaiter().GetResult();
            return new PasskeyVerification(approver, result.SignCount);
        }
        catch (Exception error) when (error is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw Declined("the passkey assertion does not verify over this approval (" + Reason(error) + ")");
        }
    }

    /// <summary>The request options (WebAuthn JSON) asking one of <paramref name="approvers"/> to sign <paramref name="challenge"/> with user verification.</summary>
    public static string AssertionOptionsJson(byte[] challenge, IReadOnlyList<EnrolledApprover> approvers)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(approvers);
        var options = Library("http://localhost").GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = [.. approvers.Select(known => new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(known.CredentialId)))],
            UserVerification = UserVerificationRequirement.Required,
        });
        options.Challenge = challenge;
        return options.ToJson();
    }

    /// <summary>The creation options for enrolling <paramref name="name"/>, excluding credentials already enrolled.</summary>
    public static CredentialCreateOptions EnrolmentOptions(string name, IReadOnlyList<EnrolledApprover> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        return Library("http://localhost").RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), Name = name, DisplayName = name },
            ExcludeCredentials = [.. existing.Select(known => new PublicKeyCredentialDescriptor(Base64Url.DecodeFromChars(known.CredentialId)))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
    }

    /// <summary>Checks the browser's registration response, made on the enrolment page at exactly <paramref name="origin"/>, against <paramref name="options"/> and returns the approver to enrol.</summary>
    public static async Task<EnrolledApprover> CompleteEnrolmentAsync(string name, CredentialCreateOptions options, string attestationJson, string origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attestationJson);
        try
        {
            var response = JsonSerializer.Deserialize(attestationJson, PasskeyJsonContext.Default.AuthenticatorAttestationRawResponse)
                ?? throw Declined("the registration is empty");
            var credential = await Library(origin).MakeNewCredentialAsync(
                new MakeNewCredentialParams
                {
                    AttestationResponse = response,
                    OriginalOptions = options,
                    IsCredentialIdUniqueToUserCallback = (_, _) => Task.FromResult(true),
                },
                cancellationToken).ConfigureAwait(false);
            return new EnrolledApprover(name, Base64Url.EncodeToString(credential.Id), credential.PublicKey, credential.SignCount);
        }
        catch (Exception error) when (error is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ApprovalException("invalid_input", "credential: the registration does not verify (" + Reason(error) + ")");
        }
    }

    private static Fido2 Library(string origin) => new(new Fido2Configuration
    {
        RPID = RelyingPartyId,
        RPName = RelyingPartyName,
        Origins = new HashSet<string>(StringComparer.Ordinal) { origin },
    });

    private static string Reason(Exception error) =>
        new string([.. error.Message.Take(160).Where(c => !char.IsControl(c))]);

    private static ApprovalException Declined(string why) => new("approval_declined", why + "; nothing was signed or changed");

    [GeneratedRegex("^http://localhost:[1-9][0-9]{0,4}$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalOrigin();
}
