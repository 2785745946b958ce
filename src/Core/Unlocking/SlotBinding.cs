using System.Buffers.Binary;
using System.Text;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Names the slot a wrap belongs to (vault id, slot id, kind); providers put <see cref="AssociatedData"/>
/// into their AEAD so a wrapped key copied into another vault or slot does not unwrap.
/// </summary>
public sealed class SlotBinding
{
    private const string Prefix = "hsmwallet-vault/1 slot";
    private readonly byte[] _vaultId;

    /// <summary>Binds to one slot of one vault.</summary>
    public SlotBinding(ReadOnlySpan<byte> vaultId, int slotId, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _vaultId = vaultId.ToArray();
        SlotId = slotId;
        Kind = kind;
    }

    /// <summary>The vault's random identifier.</summary>
    public ReadOnlySpan<byte> VaultId => _vaultId;

    /// <summary>The slot's number in the vault's slot table.</summary>
    public int SlotId { get; }

    /// <summary>The slot's kind.</summary>
    public string Kind { get; }

    /// <summary>The bytes to authenticate with every wrap of this slot.</summary>
    public byte[] AssociatedData
    {
        get
        {
            var prefix = Encoding.ASCII.GetBytes(Prefix);
            var kind = Encoding.UTF8.GetBytes(Kind);
            var data = new byte[prefix.Length + 1 + _vaultId.Length + 4 + kind.Length];
            var span = data.AsSpan();
            prefix.CopyTo(span);
            span[prefix.Length] = (byte)_vaultId.Length;
            _vaultId.CopyTo(span[(prefix.Length + 1)..]);
            BinaryPrimitives.WriteInt32BigEndian(span.Slice(prefix.Length + 1 + _vaultId.Length, 4), SlotId);
            kind.CopyTo(span[(prefix.Length + 1 + _vaultId.Length + 4)..]);
            return data;
        }
    }
}
