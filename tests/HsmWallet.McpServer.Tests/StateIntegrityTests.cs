using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>State that can be reset, through the tools: a deleted counters file denies tx_sign, a deleted audit log fails audit_verify.</summary>
public sealed class StateIntegrityTests
{
    private static object Payment(uint sequence) => new
    {
        TransactionType = "Payment",
        Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        Amount = "1000000",
        Fee = "12",
        Sequence = sequence,
        LastLedgerSequence = 5000,
    };

    [Fact]
    public async Task Deleting_the_counters_file_denies_tx_sign_with_a_reason_naming_the_file_and_the_recovery()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("wallet_create", new { name = "payer" });
        await server.OkAsync("tx_sign", new { wallet = "payer", tx = Payment(1), autofill = false });
        File.Delete(Path.Combine(server.Home, "state", "policy-counters.json"));

        var denied = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = Payment(2), autofill = false }, "policy_denied");

        var reasons = denied["reasons"]!.ToJsonString();
        Assert.Contains("state/policy-counters.json", reasons, StringComparison.Ordinal);
        Assert.Contains("is missing", reasons, StringComparison.Ordinal);
        Assert.Contains("hsmwallet state reseal", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_audit_log_is_reported_by_audit_verify_as_missing()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("wallet_create", new { name = "payer" });
        Assert.True((await server.OkAsync("audit_verify"))["ok"]!.GetValue<bool>());
        Directory.Delete(Path.Combine(server.Home, "audit"), recursive: true);

        var verified = await server.OkAsync("audit_verify");

        Assert.False(verified["ok"]!.GetValue<bool>());
        Assert.Equal("missing", verified["problem"]!.GetValue<string>());
        Assert.Equal(0, verified["entries"]!.GetValue<long>());
    }
}
