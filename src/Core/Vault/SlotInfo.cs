using System.Text.Json.Nodes;

namespace HsmWallet.Core.Vault;

/// <summary>
/// One slot as `slot list` shows it: id, kind, whether hardware holds the wrapping key, when it was added,
/// and the provider's non-secret parameters (a copy; changing it changes nothing).
/// </summary>
/// <param name="Id">The slot number (`--slot ID`).</param>
/// <param name="Kind">The unlocker kind.</param>
/// <param name="IsHardwareBacked">True for PKCS#11 and TPM slots.</param>
/// <param name="Created">When the slot was enrolled.</param>
/// <param name="Parameters">The provider's parameters (KDF settings, key-file hint, token label...).</param>
public sealed record SlotInfo(int Id, string Kind, bool IsHardwareBacked, DateTimeOffset Created, JsonObject Parameters);
