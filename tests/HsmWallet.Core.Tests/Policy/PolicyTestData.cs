using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Tests.Audit;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>Accounts, clocks and transactions the policy tests share.</summary>
internal static class PolicyTestData
{
    public static readonly AccountId Wallet = Account(1);
    public static readonly AccountId Friend = Account(2);
    public static readonly AccountId Stranger = Account(3);
    public static readonly AccountId Issuer = Account(4);

    public static DateTimeOffset Noon { get; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static AccountId Account(byte seed) => AccountId.FromBytes(Enumerable.Repeat(seed, AccountId.Length).ToArray());

    public static ManualTimeProvider Clock() => new(Noon);

    public static PolicyDocument Document(string networkRules, string network = "testnet") =>
        PolicyDocument.Parse("{\"version\":1,\"networks\":{\"" + network + "\":{\"default\":" + networkRules + "}}}");

    public static PolicyEngine Engine(PolicyDocument document, TimeProvider clock, PolicyCounters? counters = null) =>
        new(PolicyFile.Trusted(document), counters ?? PolicyCounters.InMemory(), clock);

    public static JsonObject Payment(ulong drops, AccountId? destination = null, ulong fee = 10) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = Wallet.ToClassicAddress(),
        ["Destination"] = (destination ?? Friend).ToClassicAddress(),
        ["Amount"] = drops.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Fee"] = fee.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sequence"] = 1,
    };

    public static JsonObject IssuedPayment(string value, string currency = "USD") => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = Wallet.ToClassicAddress(),
        ["Destination"] = Friend.ToClassicAddress(),
        ["Amount"] = new JsonObject { ["currency"] = currency, ["issuer"] = Issuer.ToClassicAddress(), ["value"] = value },
        ["Fee"] = "10",
        ["Sequence"] = 1,
    };

    public static string UsdKey => "USD/" + Issuer.ToClassicAddress();
}
