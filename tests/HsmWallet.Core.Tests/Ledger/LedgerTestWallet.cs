using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Core.Tests.Ledger;

/// <summary>A test key and helpers to build and sign payments for the stand-in.</summary>
internal sealed class LedgerTestWallet : IDisposable
{
    private readonly XrplSigningKey _key;

    public LedgerTestWallet(byte seedByte = 7)
    {
        using var seed = DecodedSeed.FromEntropy(Enumerable.Repeat(seedByte, 16).ToArray(), KeyType.Ed25519);
        _key = XrplSigningKey.FromSeed(seed);
    }

    public AccountId Address => _key.AccountId;

    public static AccountId Payee { get; } = AccountId.FromBytes(Enumerable.Repeat((byte)0x42, AccountId.Length).ToArray());

    public JsonObject Payment(ulong drops) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = Address.ToClassicAddress(),
        ["Destination"] = Payee.ToClassicAddress(),
        ["Amount"] = drops.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public JsonObject Filled(ulong drops, uint sequence, uint lastLedger, ulong fee = 10)
    {
        var tx = Payment(drops);
        tx["Fee"] = fee.ToString(System.Globalization.CultureInfo.InvariantCulture);
        tx["Sequence"] = sequence;
        tx["LastLedgerSequence"] = lastLedger;
        return tx;
    }

    public string Sign(JsonObject transaction) => TransactionSigner.Sign(transaction, _key).TxBlob;

    public void Dispose() => _key.Dispose();
}
