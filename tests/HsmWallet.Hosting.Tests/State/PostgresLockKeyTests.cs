using HsmWallet.Hosting.State.Postgres;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>
/// The advisory lock keys are part of the shared format: two instances of different versions on one database must
/// take the same lock for the same scope (a rolling upgrade), so the derivation is pinned here.
/// </summary>
public sealed class PostgresLockKeyTests
{
    [Theory]
    [InlineData("state/signing.json", -7587479601929265971L)]
    [InlineData("state/policy-counters.json", 3466328832071347952L)]
    public void A_scopes_lock_key_is_the_first_8_bytes_of_SHA256_of_the_prefix_and_the_scope(string scope, long key) =>
        Assert.Equal(key, PostgresStateStore.LockKey(scope));
}
