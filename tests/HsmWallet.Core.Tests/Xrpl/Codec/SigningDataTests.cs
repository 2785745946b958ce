using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class SigningDataTests
{
    private const string SignaturePublicKey = "02A8A44DB3D4C73EEEE11DFE54D2029103B776AA8A8D293A91D645977C9DF5F544";

    [Theory]
    [InlineData("response-sign.json")]
    [InlineData("response-signAs.json")]
    [InlineData("response-signEscrow.json")]
    [InlineData("response-signTicket.json")]
    public void The_transaction_id_of_every_reference_signed_blob_is_the_reference_id(string fileName)
    {
        var response = XrplFixtures.Load(fileName);
        var blob = Convert.FromHexString((string)response["signedTransaction"]!);

        Assert.Equal((string)response["id"]!, TransactionHash.Compute(blob));
    }

    [Fact]
    public void Signing_data_starts_with_the_signing_prefix_and_leaves_out_the_signature()
    {
        var request = XrplFixtures.Load("request-sign.json").AsObject();
        var signed = XrplBinaryCodec.Decode(Convert.FromHexString((string)XrplFixtures.Load("response-sign.json")["signedTransaction"]!));

        var signingData = XrplBinaryCodec.EncodeForSigning(signed);

        Assert.Equal("53545800", Convert.ToHexString(signingData.AsSpan(0, 4)));
        Assert.DoesNotContain("TxnSignature", XrplBinaryCodec.Decode(signingData.AsSpan(4)).Select(pair => pair.Key));
        Assert.Equal(Convert.ToHexString(XrplBinaryCodec.Encode(request)), Convert.ToHexString(signingData.AsSpan(4)));
    }

    [Theory]
    [InlineData("request-sign.json", "response-sign.json")]
    [InlineData("request-signEscrow.json", "response-signEscrow.json")]
    [InlineData("request-signTicket.json", "response-signTicket.json")]
    public void Each_reference_request_plus_its_signature_encodes_to_the_reference_blob(string requestFile, string responseFile)
    {
        var request = XrplFixtures.Load(requestFile).AsObject();
        var blob = (string)XrplFixtures.Load(responseFile)["signedTransaction"]!;
        var signed = XrplBinaryCodec.Decode(Convert.FromHexString(blob));
        request["SigningPubKey"] = (string)signed["SigningPubKey"]!;
        request["TxnSignature"] = (string)signed["TxnSignature"]!;

        var signingData = XrplBinaryCodec.EncodeForSigning(request);

        Assert.Equal(blob, Convert.ToHexString(XrplBinaryCodec.Encode(request)));
        Assert.Equal("53545800", Convert.ToHexString(signingData.AsSpan(0, 4)));
        Assert.False(XrplBinaryCodec.Decode(signingData.AsSpan(4)).ContainsKey("TxnSignature"));
    }

    [Fact]
    public void The_signing_request_with_its_key_serializes_the_key_and_not_a_signature()
    {
        var request = XrplFixtures.Load("request-sign.json").AsObject();
        Assert.Equal(SignaturePublicKey, (string)request["SigningPubKey"]!);
        request["TxnSignature"] = "3044";

        var signingData = XrplBinaryCodec.EncodeForSigning(request);
        var fields = XrplBinaryCodec.Decode(signingData.AsSpan(4));

        Assert.Equal(SignaturePublicKey, (string)fields["SigningPubKey"]!);
        Assert.False(fields.ContainsKey("TxnSignature"));
    }

    [Fact]
    public void Multi_signing_data_has_its_prefix_the_unsigned_fields_and_the_signer_account_last()
    {
        var transaction = XrplFixtures.Load("request-signAs.json").AsObject();
        transaction["SigningPubKey"] = string.Empty;
        transaction["Signers"] = new JsonArray(new JsonObject
        {
            ["Signer"] = new JsonObject
            {
                ["Account"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                ["SigningPubKey"] = SignaturePublicKey,
                ["TxnSignature"] = "3045",
            },
        });
        var signer = AccountId.ParseClassic("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "signer");

        var data = XrplBinaryCodec.EncodeForMultiSigning(transaction, signer);

        Assert.Equal("534D5400", Convert.ToHexString(data.AsSpan(0, 4)));
        Assert.Equal(Convert.ToHexString(signer.Bytes), Convert.ToHexString(data.AsSpan(data.Length - 20)));
        var body = XrplBinaryCodec.Decode(data.AsSpan(4, data.Length - 24));
        Assert.False(body.ContainsKey("Signers"));
        Assert.Equal(string.Empty, (string)body["SigningPubKey"]!);
    }

    [Fact]
    public void Multi_signing_refuses_a_transaction_that_names_a_single_signing_key()
    {
        var transaction = XrplFixtures.Load("request-sign.json").AsObject();
        var signer = AccountId.ParseClassic("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "signer");

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.EncodeForMultiSigning(transaction, signer));

        Assert.Equal("SigningPubKey", error.Field);
    }

    [Fact]
    public void Sha512Half_is_the_first_half_of_SHA512()
    {
        var data = "hello"u8.ToArray();
        var full = System.Security.Cryptography.SHA512.HashData(data);
        Span<byte> into = stackalloc byte[32];

        Sha512Half.Hash(data, into);

        Assert.Equal(full.AsSpan(0, 32).ToArray(), Sha512Half.Hash(data));
        Assert.Equal(full.AsSpan(0, 32).ToArray(), into.ToArray());
    }
}
