using System.Buffers.Binary;

namespace HsmWallet.Core.Xrpl.Hashing;

/// <summary>
/// The four-byte prefixes the XRPL puts before data it hashes, so that a signature or hash made for
/// one purpose (say, signing) can never be replayed as another (say, a transaction id).
/// </summary>
public static class HashPrefix
{
    /// <summary>"TXN\0": a signed transaction's id.</summary>
    public const uint TransactionId = 0x54584E00;

    /// <summary>"STX\0": the data a single signer signs.</summary>
    public const uint TransactionSigning = 0x53545800;

    /// <summary>"SMT\0": the data each multi-signer signs.</summary>
    public const uint TransactionMultiSigning = 0x534D5400;

    /// <summary>"SND\0": a transaction with its metadata, as a ledger's transaction tree stores it.</summary>
    public const uint TransactionNode = 0x534E4400;

    /// <summary>"MLN\0": a ledger object, as the state tree stores it.</summary>
    public const uint LedgerEntry = 0x4D4C4E00;

    /// <summary>"MIN\0": an inner node of a ledger's hash tree.</summary>
    public const uint InnerNode = 0x4D494E00;

    /// <summary>"LWR\0": a ledger header, giving the ledger hash.</summary>
    public const uint LedgerHeader = 0x4C575200;

    /// <summary>"CLM\0": a payment-channel claim a channel owner signs.</summary>
    public const uint PaymentChannelClaim = 0x434C4D00;

    /// <summary>"BCH\0": the data signed for a batch of inner transactions.</summary>
    public const uint Batch = 0x42434800;

    /// <summary>"VAL\0": a validator's validation.</summary>
    public const uint Validation = 0x56414C00;

    /// <summary>"PRP\0": a consensus proposal.</summary>
    public const uint Proposal = 0x50525000;

    /// <summary>"MAN\0": a validator manifest.</summary>
    public const uint Manifest = 0x4D414E00;

    /// <summary>The number of bytes in every prefix.</summary>
    public const int Length = 4;

    /// <summary>Writes a prefix in the big-endian byte order the ledger hashes.</summary>
    /// <param name="prefix">One of this class's constants.</param>
    /// <param name="destination">At least 4 bytes.</param>
    public static void Write(uint prefix, Span<byte> destination) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, prefix);
}
