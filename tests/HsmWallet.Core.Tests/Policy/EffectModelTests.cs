using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>
/// The effect model covers definitions.json whole: every type modelled or refused, every value or account field of
/// every type named, and no transaction with a large amount or a never-paid account in any field allowed under the
/// mainnet defaults unless the model counts that amount and names that account.
/// </summary>
public sealed class EffectModelTests
{
    private static readonly string[] MustName = ["Amount", "AccountID", "Number", "UInt64", "STArray", "STObject", "Issue", "XChainBridge", "Vector256", "PathSet", "Hash128", "Hash160", "Hash192", "Hash256", "Currency"];

    private static XrplDefinitions Definitions => XrplDefinitions.Instance;

    /// <summary>Every transaction type in definitions.json, for the theories.</summary>
    public static TheoryData<string> AllTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in Definitions.TransactionFormats.Keys.Where(name => name != "common").Order(StringComparer.Ordinal))
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void Every_type_in_definitions_has_a_model()
    {
        var types = Definitions.TransactionTypes.Names.Where(name => name != "Invalid").ToList();
        Assert.NotEmpty(types);
        var missing = types.Where(type => EffectModel.For(type) is null).ToList();
        Assert.True(missing.Count == 0, "types with no effect model (model them or refuse them): " + string.Join(", ", missing));
        Assert.All(Definitions.TransactionFormats.Keys.Where(name => name != "common"), type => Assert.Contains(type, types));
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void A_model_names_every_value_or_account_field_of_its_type_and_only_real_ones(string type)
    {
        var model = EffectModel.For(type)!;
        var format = Definitions.TransactionFormats[type];
        foreach (var field in format.Where(name => MustName.Contains(Definitions.FieldsByName[name].TypeName)))
        {
            Assert.True(model.Fields.ContainsKey(field), $"{type}.{field} ({Definitions.FieldsByName[field].TypeName}) is not named by its model");
        }

        foreach (var field in model.Fields.Keys)
        {
            Assert.True(format.Contains(field), $"the model of {type} names {field}, which is not a field of {type}");
        }

        foreach (var reference in model.References)
        {
            Assert.True(format.Contains(reference.Field), $"the model of {type} reads {reference.Field}, which is not a field of {type}");
        }
    }

    [Fact]
    public void The_common_fields_are_the_definitions_common_fields()
    {
        var common = Definitions.TransactionFormats["common"];
        foreach (var field in common.Where(name => MustName.Contains(Definitions.FieldsByName[name].TypeName)))
        {
            Assert.True(EffectModel.CommonFields.ContainsKey(field), $"common field {field} is not named");
        }
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void No_amount_field_set_large_is_allowed_unless_the_model_counts_it(string type)
    {
        foreach (var field in Definitions.FieldsByName.Values.Where(field => field.TypeName == "Amount" && field.IsSerialized && field.Name != "Fee"))
        {
            var transaction = Bare(type);
            transaction[field.Name] = "90000000000";
            var decision = MainnetDefaults().Evaluate("mainnet", Wallet, transaction);
            var role = EffectModel.For(type)!.Fields.GetValueOrDefault(field.Name, FieldRole.NeedsHuman);
            if (role == FieldRole.NotMoved && Definitions.TransactionFormats[type].Contains(field.Name))
            {
                continue;
            }

            Assert.True(decision.Kind != PolicyDecisionKind.Allow, $"{type} with {field.Name} = 90,000 XRP was allowed");
            if (role == FieldRole.Outflow && decision.Effects is { } effects)
            {
                Assert.True(effects.Value.XrpDrops >= 90_000_000_000UL, $"{type}.{field.Name} is an outflow the model did not count");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void No_account_field_pointing_at_a_never_paid_account_is_allowed_unless_the_model_names_it(string type)
    {
        foreach (var field in Definitions.FieldsByName.Values.Where(field => field.TypeName == "AccountID" && field.IsSerialized && field.Name != "Account"))
        {
            var transaction = Bare(type);
            transaction[field.Name] = Stranger.ToClassicAddress();
            var decision = MainnetDefaults().Evaluate("mainnet", Wallet, transaction);
            if (decision.Kind != PolicyDecisionKind.Allow)
            {
                continue;
            }

            // Allowed only where the model reads the account as one that receives nothing, and says so.
            var role = EffectModel.For(type)!.Fields.GetValueOrDefault(field.Name, FieldRole.NeedsHuman);
            Assert.True(role == FieldRole.Party, $"{type} with {field.Name} = a never-paid account was allowed (role {role})");
            Assert.Contains(decision.Effects!.Counterparties, party => party.Address == Stranger.ToClassicAddress() && party.Role == CounterpartyRole.Party);
        }
    }

    /// <summary>
    /// Any type, any set of its Amount fields set to any amount and of its AccountID fields pointing at never-paid
    /// accounts, all at once: an Allow under the mainnet defaults means every amount set is counted (or read by the
    /// model as not leaving the account) and every account set is a party that receives nothing.
    /// </summary>
    [Property(MaxTest = 400)]
    public bool An_allowed_transaction_counts_every_amount_and_names_every_account_it_carries(uint typeChoice, ulong fieldMask, ulong drops, byte accountSeed)
    {
        var types = Definitions.TransactionFormats.Keys.Where(name => name != "common").Order(StringComparer.Ordinal).ToList();
        var type = types[(int)(typeChoice % (uint)types.Count)];
        var candidates = Definitions.TransactionFormats[type]
            .Concat(Definitions.TransactionFormats["common"])
            .Where(name => Definitions.FieldsByName[name].TypeName is "Amount" or "AccountID" && name is not ("Account" or "Fee"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var amount = (drops % 100_000_000_000_000UL) + 1;
        var stranger = Account((byte)(5 + (accountSeed % 200))).ToClassicAddress();
        var transaction = Bare(type);
        var set = new List<string>();
        for (var i = 0; i < candidates.Count && i < 64; i++)
        {
            if ((fieldMask & (1UL << i)) == 0)
            {
                continue;
            }

            var field = candidates[i];
            transaction[field] = Definitions.FieldsByName[field].TypeName == "Amount" ? amount.ToString(CultureInfo.InvariantCulture) : stranger;
            set.Add(field);
        }

        var decision = MainnetDefaults().Evaluate("mainnet", Wallet, transaction);
        if (decision.Kind != PolicyDecisionKind.Allow)
        {
            return true;
        }

        var model = EffectModel.For(type)!;
        var roles = set.ToDictionary(field => field, field => model.Fields.GetValueOrDefault(field, EffectModel.CommonFields.GetValueOrDefault(field, FieldRole.NeedsHuman)), StringComparer.Ordinal);
        var amountsCounted = roles.Where(pair => Definitions.FieldsByName[pair.Key].TypeName == "Amount")
            .All(pair => pair.Value == FieldRole.NotMoved || (pair.Value == FieldRole.Outflow && decision.Effects!.Value.XrpDrops >= amount));
        var accountsNamed = roles.Where(pair => Definitions.FieldsByName[pair.Key].TypeName == "AccountID")
            .All(pair => pair.Value == FieldRole.Party && decision.Effects!.Counterparties.Any(party => party.Field == pair.Key && party.Address == stranger));
        return amountsCounted && accountsNamed;
    }

    [Fact]
    public void A_type_the_model_does_not_know_needs_a_human_even_under_a_permissive_policy()
    {
        var permissive = Engine(Document("{}"), Clock());
        var transaction = Bare("Payment");
        transaction["TransactionType"] = "SomethingNew";
        transaction["Amount"] = "1";
        var decision = permissive.Evaluate("testnet", Wallet, transaction);
        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Contains(decision.Reasons, reason => reason.Rule == "unmodelled_type");
        Assert.Equal(1UL + 12, decision.Effects!.Value.XrpDrops);
    }

    [Fact]
    public void A_type_the_model_does_not_know_is_denied_where_the_policy_lists_allowed_types()
    {
        var listed = Engine(Document("{\"allowed_transaction_types\":[\"Payment\"]}"), Clock());
        var transaction = Bare("SomethingNew");
        Assert.Equal(PolicyDecisionKind.Deny, listed.Evaluate("testnet", Wallet, transaction).Kind);
    }

    [Fact]
    public void A_field_outside_its_type_needs_a_human()
    {
        var permissive = Engine(Document("{}"), Clock());
        var payment = Payment(1_000);
        payment["Owner"] = Stranger.ToClassicAddress();
        var decision = permissive.Evaluate("testnet", Wallet, payment);
        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Contains(decision.Reasons, reason => reason.Rule == "unmodelled_field" && reason.Message.Contains("Owner", StringComparison.Ordinal));
    }

    [Fact]
    public void Pseudo_transactions_are_denied()
    {
        foreach (var type in new[] { "EnableAmendment", "SetFee", "UNLModify" })
        {
            Assert.Equal(PolicyDecisionKind.Deny, Engine(Document("{}"), Clock()).Evaluate("testnet", Wallet, Bare(type)).Kind);
        }
    }

    private static PolicyEngine MainnetDefaults() => Engine(PolicyDocument.Default, Clock());

    private static JsonObject Bare(string type) => new()
    {
        ["TransactionType"] = type,
        ["Account"] = Wallet.ToClassicAddress(),
        ["Fee"] = 12.ToString(CultureInfo.InvariantCulture),
        ["Sequence"] = 1,
    };
}
