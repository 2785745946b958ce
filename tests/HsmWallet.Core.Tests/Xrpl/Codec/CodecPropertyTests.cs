using FsCheck.Xunit;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class CodecPropertyTests
{
    [Property(Arbitrary = [typeof(TransactionGenerators)], MaxTest = 300)]
    public bool Decoding_an_encoded_transaction_gives_back_the_same_json(GeneratedTransaction transaction)
    {
        var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(transaction.Json));
        return System.Text.Json.Nodes.JsonNode.DeepEquals(transaction.Json, decoded);
    }

    [Property(Arbitrary = [typeof(TransactionGenerators)], MaxTest = 300)]
    public bool Re_encoding_a_decoded_transaction_gives_the_same_bytes(GeneratedTransaction transaction)
    {
        var encoded = XrplBinaryCodec.Encode(transaction.Json);
        return XrplBinaryCodec.Encode(XrplBinaryCodec.Decode(encoded)).AsSpan().SequenceEqual(encoded);
    }

    [Property(Arbitrary = [typeof(TransactionGenerators)], MaxTest = 200)]
    public bool Signing_data_is_the_prefix_and_the_transaction_without_its_signature(GeneratedTransaction transaction)
    {
        var signing = XrplBinaryCodec.EncodeForSigning(transaction.Json);
        var withoutSignature = transaction.Json.DeepClone().AsObject();
        withoutSignature.Remove("TxnSignature");

        return signing.AsSpan(0, 4).SequenceEqual(new byte[] { 0x53, 0x54, 0x58, 0x00 })
            && signing.AsSpan(4).SequenceEqual(XrplBinaryCodec.Encode(withoutSignature));
    }
}
