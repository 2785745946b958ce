using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// What a provider returns from enrolment: the slot's non-secret parameters and, for a recovery key, the
/// text to show the operator exactly once (as bytes in a zeroing buffer, never a string).
/// </summary>
/// <param name="Parameters">The provider-owned JSON stored in the slot; must hold no secret.</param>
/// <param name="ShowOnce">Text for the operator to write down, or null; the receiver disposes it.</param>
public sealed record SlotEnrolment(JsonObject Parameters, SecureBuffer? ShowOnce = null);
