using System.Text.Json.Serialization;
using Fido2NetLib;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The WebAuthn messages the approval and enrolment pages post, read with contracts generated at build time (the
/// native AOT binaries have no reflection-based serializer); default options, as the library's own reader uses.
/// </summary>
[JsonSerializable(typeof(AuthenticatorAssertionRawResponse))]
[JsonSerializable(typeof(AuthenticatorAttestationRawResponse))]
internal sealed partial class PasskeyJsonContext : JsonSerializerContext;
