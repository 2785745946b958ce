using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;
using HsmWallet.KeyProviders.Secp256k1;

namespace HsmWallet.Bench;

/// <summary>
/// Whole-transaction signing (encode for signing, sign, encode, hash) per key type, and the codec
/// alone; compare with bench/xrpljs/run.sh (xrpl.js 5.3 on the same machine). The secp256k1 engine is a parameter:
/// native libsecp256k1 (what hosts use when it is installed) or the managed NBitcoin.Secp256k1 fallback.
/// </summary>
[MemoryDiagnoser]
public class TransactionSigningBenchmarks
{
    private XrplSigningKey _secp256k1 = null!;
    private XrplSigningKey _ed25519 = null!;
    private JsonObject _secpTransaction = null!;
    private JsonObject _edTransaction = null!;
    private byte[] _blob = null!;
    private JsonObject _decoded = null!;

    /// <summary>Which secp256k1 engine signs: "native" (libsecp256k1) or "managed" (NBitcoin.Secp256k1).</summary>
    [Params("native", "managed")]
    public string Engine { get; set; } = "native";

    [GlobalSetup]
    public void Setup()
    {
        Secp256k1Engines.UseManaged();
        if (Engine == "native" && !Secp256k1Engines.TryInstall(LibSecp256k1Engine.TryCreate() ?? throw new InvalidOperationException(NativeSecp256k1.Missing)))
        {
            throw new InvalidOperationException("libsecp256k1 does not agree with the managed engine.");
        }

        _secp256k1 = KeyFrom("sp5fghtJtpUorTwvof1NpDXAzNwf5");
        _ed25519 = KeyFrom("sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r");
        _secpTransaction = Payment(_secp256k1);
        _edTransaction = Payment(_ed25519);
        _blob = Convert.FromHexString(TransactionSigner.Sign(_edTransaction, _ed25519).TxBlob);
        _decoded = XrplBinaryCodec.Decode(_blob);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _secp256k1.Dispose();
        _ed25519.Dispose();
    }

    [Benchmark]
    public string SignSecp256k1() => TransactionSigner.Sign(_secpTransaction, _secp256k1).TxBlob;

    [Benchmark]
    public string SignEd25519() => TransactionSigner.Sign(_edTransaction, _ed25519).TxBlob;

    [Benchmark]
    public byte[] Encode() => XrplBinaryCodec.Encode(_decoded);

    [Benchmark]
    public JsonObject Decode() => XrplBinaryCodec.Decode(_blob);

    private static XrplSigningKey KeyFrom(string seed)
    {
        using var decoded = FamilySeed.Decode(Encoding.ASCII.GetBytes(seed));
        return XrplSigningKey.FromSeed(decoded);
    }

    private static JsonObject Payment(XrplSigningKey key) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = key.AccountId.ToClassicAddress(),
        ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
        ["Amount"] = "1000000",
        ["Fee"] = "12",
        ["Sequence"] = 42,
        ["LastLedgerSequence"] = 1000000,
        ["DestinationTag"] = 7,
    };
}
