using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The result of enrolling a slot (`init`, `slot add`): the new slot and, for a recovery key, the text to
/// print exactly once. The caller writes <see cref="ShowOnce"/> as bytes and disposes it.
/// </summary>
/// <param name="Slot">The slot as stored.</param>
/// <param name="ShowOnce">The one-time text (recovery key), or null.</param>
public sealed record SlotAdded(SlotInfo Slot, SecureBuffer? ShowOnce);
