using System.Buffers.Binary;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Serialization;
using HsmWallet.Core.Xrpl.Hashing;

namespace HsmWallet.Core.Xrpl.Codec;

/// <summary>
/// Converts XRPL JSON (transactions, ledger objects) to the canonical binary form the ledger hashes
/// and signs, and back. Byte-for-byte the same as the reference implementation, because a signature
/// over any other bytes is worthless, or worse, valid for a transaction the user never saw.
/// </summary>
public static class XrplBinaryCodec
{
    /// <summary>Encodes every serialized field, signatures included: the form that is submitted.</summary>
    /// <param name="json">A transaction or ledger object.</param>
    public static byte[] Encode(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var sink = new ByteSink();
        ObjectEncoder.WriteObject(json, sink, signingFieldsOnly: false, depth: 0);
        return sink.ToArray();
    }

    /// <summary>Decodes binary back into JSON shaped exactly as the reference prints it.</summary>
    /// <param name="binary">A serialized transaction or ledger object.</param>
    public static JsonObject Decode(ReadOnlySpan<byte> binary)
    {
        var cursor = new BinaryCursor(binary);
        return ObjectDecoder.ReadObject(ref cursor, nested: false, depth: 0);
    }

    /// <summary>
    /// The bytes a single signer signs: "STX\0" then the transaction without its signature fields
    /// (TxnSignature, Signers, ...).
    /// </summary>
    /// <param name="transaction">The transaction, including SigningPubKey.</param>
    public static byte[] EncodeForSigning(JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var sink = new ByteSink();
        WritePrefix(sink, HashPrefix.TransactionSigning);
        ObjectEncoder.WriteObject(transaction, sink, signingFieldsOnly: true, depth: 0);
        return sink.ToArray();
    }

    /// <summary>
    /// The bytes one multi-signer signs: "SMT\0", the transaction without its signature fields, then
    /// the signer's account id, so a signature cannot be reused for another signer.
    /// </summary>
    /// <param name="transaction">The transaction, whose SigningPubKey must be empty.</param>
    /// <param name="signer">The account whose key signs.</param>
    public static byte[] EncodeForMultiSigning(JsonObject transaction, AccountId signer)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (!JsonInput.TryString(transaction["SigningPubKey"], out var signingKey) || signingKey.Length != 0)
        {
            throw new InvalidInputException("SigningPubKey", "must be present and empty (\"\") in a multi-signed transaction");
        }

        var sink = new ByteSink();
        WritePrefix(sink, HashPrefix.TransactionMultiSigning);
        ObjectEncoder.WriteObject(transaction, sink, signingFieldsOnly: true, depth: 0);
        sink.Write(signer.Bytes);
        return sink.ToArray();
    }

    private static void WritePrefix(ByteSink sink, uint prefix)
    {
        var span = sink.GetSpan(HashPrefix.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, prefix);
        sink.Advance(HashPrefix.Length);
    }
}
