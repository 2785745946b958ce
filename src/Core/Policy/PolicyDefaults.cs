namespace HsmWallet.Core.Policy;

/// <summary>
/// The built-in policy: conservative on mainnet, where a tricked agent loses real money; loose on
/// testnet and devnet, where it only loses faucet XRP; "custom" (a private URL, which may well be a
/// mainnet node) gets the mainnet rules. docs/policy.md explains each number.
/// </summary>
internal static class PolicyDefaults
{
    /// <summary>The default policy file text.</summary>
    public const string Json = """
        {
          "version": 1,
          "networks": {
            "mainnet": { "default": {
              "max_per_transaction": { "XRP": "100" },
              "max_hourly_volume": { "XRP": "500" },
              "max_daily_volume": { "XRP": "1000" },
              "max_transactions_per_hour": 30,
              "max_transactions_per_day": 200,
              "max_new_destinations_per_day": 5,
              "new_destination_requires_approval": true,
              "unlisted_assets_require_approval": true,
              "max_fee": "0.5",
              "blocked_memo_patterns": [ "(^|[^1-9A-HJ-NP-Za-km-z])s[1-9A-HJ-NP-Za-km-z]{28}([^1-9A-HJ-NP-Za-km-z]|$)" ]
            } },
            "custom": { "default": {
              "max_per_transaction": { "XRP": "100" },
              "max_hourly_volume": { "XRP": "500" },
              "max_daily_volume": { "XRP": "1000" },
              "max_transactions_per_hour": 30,
              "max_transactions_per_day": 200,
              "max_new_destinations_per_day": 5,
              "new_destination_requires_approval": true,
              "unlisted_assets_require_approval": true,
              "max_fee": "0.5",
              "blocked_memo_patterns": [ "(^|[^1-9A-HJ-NP-Za-km-z])s[1-9A-HJ-NP-Za-km-z]{28}([^1-9A-HJ-NP-Za-km-z]|$)" ]
            } },
            "testnet": { "default": {
              "max_per_transaction": { "XRP": "10000" },
              "max_daily_volume": { "XRP": "100000" },
              "max_transactions_per_hour": 600,
              "max_transactions_per_day": 5000,
              "max_new_destinations_per_day": 1000,
              "max_fee": "2"
            } },
            "devnet": { "default": {
              "max_per_transaction": { "XRP": "10000" },
              "max_daily_volume": { "XRP": "100000" },
              "max_transactions_per_hour": 600,
              "max_transactions_per_day": 5000,
              "max_new_destinations_per_day": 1000,
              "max_fee": "2"
            } }
          }
        }
        """;
}
