using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Policy;

/// <summary>
/// Decides whether a transaction may be signed, needs a human, or is refused, by every rule of the
/// policy at once, on the effect model's reading (Effects/): value from every outflow field and every
/// referenced ledger object, every counterparty, every inner transaction of a Batch.
/// Any failure inside a rule denies. Counters move only through <see cref="RecordSigned"/>. With an <see cref="Agent"/>
/// whose own section names the network, that section's rules apply as well, on the agent's own counters.
/// </summary>
public sealed class PolicyEngine
{
    private readonly PolicyFile _file;
    private readonly PolicyCounters _counters;
    private readonly TimeProvider _time;

    /// <summary>Binds a loaded policy, its counters and a clock.</summary>
    public PolicyEngine(PolicyFile file, PolicyCounters counters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(time);
        _file = file;
        _counters = counters;
        _time = time;
    }

    /// <summary>
    /// The agent that asked (authenticated by the host, never from the request's arguments) and its own section, or null
    /// (the CLI, stdio): its section's rules apply on top of the home's, counted on its own counters, and its signatures
    /// are also counted as its own.
    /// </summary>
    public AgentPolicy? Agent { get; init; }

    /// <summary>
    /// Evaluates <paramref name="transaction"/> (XRPL JSON) for <paramref name="wallet"/> on <paramref name="network"/>
    /// through the effect model, with the ledger objects it references as read at preparation (none: every such
    /// object is unreadable, which needs a human).
    /// </summary>
    public PolicyDecision Evaluate(string network, AccountId wallet, JsonObject transaction, LedgerReadings? readings = null)
    {
        if (_file.Problem is not null || _file.Document is null)
        {
            return PolicyDecision.Deny("policy_file", _file.Problem ?? PolicyFile.HashMismatchMessage);
        }

        // One reading of the counters per decision: every rule below sees the same totals (and the store is asked once).
        _counters.RefreshForDecision();
        if (_counters.Problem is not null)
        {
            return PolicyDecision.Deny("policy_counters", _counters.Problem);
        }

        try
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(transaction);
            var walletAddress = AddressCache.ToClassicAddress(wallet.Bytes);
            var rules = _file.Document.RulesFor(network, walletAddress);
            if (rules is null)
            {
                return PolicyDecision.Deny("networks", "the policy names no rules for network " + network);
            }

            var effects = EffectReader.Read(transaction, wallet, readings ?? LedgerReadings.None);
            var now = _time.GetUtcNow();
            var reasons = Check(rules, network, walletAddress, effects, now, null);
            List<string> sections = [PolicyReason.HomeSection];
            if (Agent is { Section: { } section } agent)
            {
                // The agent's section only adds reasons: the decision is the strictest of both (deny > approve > delay > allow).
                var agentRules = section.Problem is null && section.Document is not null ? section.Document.RulesFor(network, walletAddress) : null;
                if (section.Problem is not null || section.Document is null)
                {
                    sections.Add(agent.SectionName);
                    reasons.Add(Deny("agent_policy", section.Problem ?? $"agent {agent.Agent}'s policy cannot be trusted") with { Section = agent.SectionName });
                }
                else if (agentRules is not null)
                {
                    sections.Add(agent.SectionName);
                    reasons.AddRange(Check(agentRules, network, walletAddress, effects, now, agent.Agent)
                        .Select(reason => reason with { Section = agent.SectionName, Message = $"agent {agent.Agent}'s policy: {reason.Message}" }));
                    // A quorum one section asks of every approval holds for the other section's approvals too.
                    RaiseQuorum(agentRules, reasons);
                }

                RaiseQuorum(rules, reasons);
            }

            return new PolicyDecision(reasons) { Effects = effects, Sections = sections };
        }
        catch (InvalidInputException exception)
        {
            return PolicyDecision.Deny("rule_error", "a rule could not be evaluated: " + exception.Message);
        }
        catch (RegexMatchTimeoutException)
        {
            return PolicyDecision.Deny("blocked_memo_patterns", "a memo pattern timed out");
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or OverflowException
            or ArgumentException or KeyNotFoundException)
        {
            return PolicyDecision.Deny("rule_error", "a rule could not be evaluated (" + exception.GetType().Name + ")");
        }
    }

    /// <summary>
    /// Every reason one section's <paramref name="rules"/> give, on the counters of the home (<paramref name="agent"/> null) or
    /// of that agent alone.
    /// </summary>
    private List<PolicyReason> Check(PolicyRules rules, string network, string walletAddress, TransactionEffects effects, DateTimeOffset now, string? agent)
    {
        var reasons = new List<PolicyReason>();
        foreach (var reading in effects.Flatten())
        {
            if (agent is null)
            {
                // What the effect model found (unreadable objects, ...) is said once, by the home's section.
                reasons.AddRange(reading.Findings);
            }

            CheckType(rules, reading, reasons);
            CheckMemos(rules, reading.Transaction, reasons);
        }

        var value = effects.Value;
        var totals = _counters.TotalsFor(network, walletAddress, now, rules.VolumeAssets, agent);
        CheckValue(rules, value, totals, reasons);
        CheckCounts(rules, totals, effects.Count, reasons);
        if (rules.MaxFeeDrops is ulong maxFee && value.FeeDrops > maxFee)
        {
            reasons.Add(Deny("max_fee", $"Fee {value.FeeDrops} drops is above the maximum of {maxFee} drops"));
        }

        CheckCounterparties(rules, network, walletAddress, effects, totals, reasons, agent);
        if (rules.ActiveHoursUtc is (int start, int end) && !InHours(now.UtcDateTime.Hour, start, end))
        {
            reasons.Add(Approve("active_hours_utc", $"signing outside the active hours {start}:00-{end}:00 UTC needs approval"));
        }

        ApplyQuorumAndDelay(rules, value, totals, reasons);
        return reasons;
    }

    /// <summary>A quorum <paramref name="rules"/> ask of every approval (no amounts named) raises every approval in <paramref name="reasons"/>.</summary>
    private static void RaiseQuorum(PolicyRules rules, List<PolicyReason> reasons)
    {
        if (rules.ApprovalQuorum is (int approvers, var above) && above.Count == 0 && approvers > 1)
        {
            for (var i = 0; i < reasons.Count; i++)
            {
                if (reasons[i].Outcome == PolicyDecisionKind.Approve && reasons[i].Quorum < approvers)
                {
                    reasons[i] = reasons[i] with { Quorum = approvers };
                }
            }
        }
    }

    /// <summary>
    /// Advances the counters for a transaction that was signed, by what the effect model says moved (inner
    /// transactions and referenced objects included, from the same <paramref name="readings"/>); persists before returning.
    /// </summary>
    public void RecordSigned(string network, AccountId wallet, JsonObject transaction, LedgerReadings? readings = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(transaction);
        var effects = EffectReader.Read(transaction, wallet, readings ?? LedgerReadings.None);
        var walletAddress = AddressCache.ToClassicAddress(wallet.Bytes);
        var recipients = effects.Recipients().Where(address => address != walletAddress).ToList();
        _counters.Record(network, walletAddress, effects.Value, recipients, effects.Count, _time.GetUtcNow(), Agent?.Agent);
    }

    /// <summary>
    /// The quorum and the delay tier, once every other rule spoke: above the quorum's amounts the approval needs that many
    /// approvers (and every approval does when no amount is named); a transaction the rules allow waits the delay when above
    /// its amounts (or always, when none is named). A transaction that already needs a human is not delayed: the person decides.
    /// </summary>
    private static void ApplyQuorumAndDelay(PolicyRules rules, TransactionValue value, PolicyCounters.Totals totals, List<PolicyReason> reasons)
    {
        if (rules.ApprovalQuorum is (int approvers, var quorumAbove))
        {
            var above = Above(value, quorumAbove, totals);
            if (above is not null)
            {
                reasons.Add(Approve("approval_quorum", $"{above} is above the quorum's amount, so {approvers} approvers must approve") with { Quorum = approvers });
            }
            else if (quorumAbove.Count == 0 && approvers > 1)
            {
                for (var i = 0; i < reasons.Count; i++)
                {
                    if (reasons[i].Outcome == PolicyDecisionKind.Approve)
                    {
                        reasons[i] = reasons[i] with { Quorum = Math.Max(reasons[i].Quorum, approvers) };
                    }
                }
            }
        }

        if (rules.SigningDelay is (TimeSpan delay, var delayAbove) && reasons.All(reason => reason.Outcome == PolicyDecisionKind.Allow))
        {
            var above = Above(value, delayAbove, totals);
            if (delayAbove.Count == 0 || above is not null)
            {
                var what = above ?? "every transaction";
                reasons.Add(new PolicyReason("delay", $"{what} waits {delay.TotalMinutes:0} minutes before it may be signed, and may be vetoed meanwhile", PolicyDecisionKind.Delay) { Delay = delay });
            }
        }
    }

    /// <summary>
    /// The first asset whose amount in <paramref name="value"/>, added to what the wallet moved in the sliding 24 hours, is
    /// above its amount in <paramref name="limits"/>, in words; or null. Counting the window means many small transactions
    /// reach the amount just as one large one does.
    /// </summary>
    private static string? Above(TransactionValue value, System.Collections.Frozen.FrozenDictionary<string, decimal> limits, PolicyCounters.Totals totals)
    {
        foreach (var (asset, limit) in limits)
        {
            var amount = value.AmountOf(asset);
            var window = totals.DayVolume.GetValueOrDefault(asset) + amount;
            if (amount > 0 && window > limit)
            {
                return window == amount ? $"{Text(amount)} {asset}" : $"{Text(amount)} {asset} ({Text(window)} {asset} in the last 24 hours with this one)";
            }
        }

        return null;
    }

    private static PolicyReason Deny(string rule, string message) => new(rule, message, PolicyDecisionKind.Deny);

    private static PolicyReason Approve(string rule, string message) => new(rule, message, PolicyDecisionKind.Approve);

    private static bool InHours(int hour, int start, int end) =>
        start < end ? hour >= start && hour < end : hour >= start || hour < end;

    private static void CheckType(PolicyRules rules, TransactionEffects reading, List<PolicyReason> reasons)
    {
        var type = reading.TransactionType;
        var transaction = reading.Transaction;
        if (rules.BlockedTransactionTypes.Contains(type))
        {
            reasons.Add(Deny("blocked_transaction_types", type + " is blocked"));
        }

        var keyChanges = reading.KeyChanges.ToList();
        if (transaction.ContainsKey("RegularKey") || transaction.ContainsKey("SignerEntries"))
        {
            keyChanges.Add(type + " carries RegularKey or SignerEntries");
        }

        foreach (var change in keyChanges.Distinct(StringComparer.Ordinal))
        {
            reasons.Add(Approve("key_change", change + ": it changes who controls the account and always needs a human"));
        }

        if (keyChanges.Count == 0 && rules.AllowedTransactionTypes is { } allowed && !allowed.Contains(type))
        {
            reasons.Add(Deny("allowed_transaction_types", type + " is not an allowed transaction type"));
        }
    }

    private static void CheckValue(PolicyRules rules, TransactionValue value, PolicyCounters.Totals totals, List<PolicyReason> reasons)
    {
        foreach (var (asset, limit) in rules.MaxPerTransaction)
        {
            var amount = value.AmountOf(asset);
            if (amount > limit)
            {
                reasons.Add(Approve("max_per_transaction", $"{Text(amount)} {asset} is above the per-transaction limit of {Text(limit)}"));
            }
        }

        if (rules.UnlistedAssetsRequireApproval)
        {
            foreach (var (asset, amount) in value.Tokens)
            {
                if (amount > 0 && !rules.MaxPerTransaction.ContainsKey(asset))
                {
                    reasons.Add(Approve("unlisted_assets_require_approval", asset + " has no limit in the policy, so moving it needs approval"));
                }
            }
        }

        CheckWindow("max_hourly_volume", "hour", rules.MaxHourlyVolume, totals.HourVolume, value, reasons);
        CheckWindow("max_daily_volume", "24 hours", rules.MaxDailyVolume, totals.DayVolume, value, reasons);
    }

    private static void CheckWindow(string rule, string window, IReadOnlyDictionary<string, decimal> limits, Dictionary<string, decimal> used, TransactionValue value, List<PolicyReason> reasons)
    {
        foreach (var (asset, limit) in limits)
        {
            var amount = value.AmountOf(asset);
            var total = used.GetValueOrDefault(asset) + amount;
            if (amount > 0 && total > limit)
            {
                reasons.Add(Approve(rule, $"{Text(total)} {asset} in the last {window} would be above the limit of {Text(limit)}"));
            }
        }
    }

    private static void CheckCounts(PolicyRules rules, PolicyCounters.Totals totals, int count, List<PolicyReason> reasons)
    {
        if (rules.MaxTransactionsPerHour is int perHour && totals.HourCount + count > perHour)
        {
            reasons.Add(Deny("max_transactions_per_hour", $"{perHour} transactions were already signed in the last hour"));
        }

        if (rules.MaxTransactionsPerDay is int perDay && totals.DayCount + count > perDay)
        {
            reasons.Add(Deny("max_transactions_per_day", $"{perDay} transactions were already signed in the last 24 hours"));
        }
    }

    private void CheckCounterparties(PolicyRules rules, string network, string wallet, TransactionEffects effects, PolicyCounters.Totals totals, List<PolicyReason> reasons, string? agent)
    {
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var party in effects.Flatten().SelectMany(reading => reading.Counterparties))
        {
            var address = party.Address;
            if (rules.DestinationBlocklist.Contains(address))
            {
                reasons.Add(Deny("destination_blocklist", $"{address} ({party.Field}) is blocked"));
            }

            if (party.Role != CounterpartyRole.Recipient || address == wallet)
            {
                continue;
            }

            if (rules.DestinationAllowlist.Count > 0 && !rules.DestinationAllowlist.Contains(address))
            {
                reasons.Add(Deny("destination_allowlist", $"{address} ({party.Field}) is not in the destination allowlist"));
            }

            if (rules.DestinationsRequiringTag.Contains(address) && !party.HasDestinationTag)
            {
                reasons.Add(Deny("destinations_requiring_tag", $"{address} ({party.Field}) needs a DestinationTag"));
            }

            if (!_counters.IsKnownDestination(network, wallet, address, agent))
            {
                fresh.TryAdd(address, party.Field);
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        if (rules.NewDestinationRequiresApproval)
        {
            foreach (var (address, field) in fresh)
            {
                reasons.Add(Approve("new_destination_requires_approval", $"{address} ({field}) was never paid before"));
            }
        }

        if (rules.MaxNewDestinationsPerDay is int maxNew && totals.NewDestinationsDay + fresh.Count > maxNew)
        {
            reasons.Add(Deny("max_new_destinations_per_day", $"{maxNew} new destinations were already used in the last 24 hours"));
        }
    }

    private static void CheckMemos(PolicyRules rules, JsonObject transaction, List<PolicyReason> reasons)
    {
        if (rules.BlockedMemoPatterns.Count == 0 || transaction["Memos"] is not JsonArray memos)
        {
            return;
        }

        foreach (var wrapper in memos)
        {
            if (wrapper?["Memo"] is not JsonObject memo)
            {
                continue;
            }

            foreach (var field in new[] { "MemoType", "MemoData", "MemoFormat" })
            {
                if (memo[field]?.GetValue<string>() is not string hex)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(Convert.FromHexString(hex));
                foreach (var pattern in rules.BlockedMemoPatterns)
                {
                    if (pattern.IsMatch(text) || pattern.IsMatch(hex))
                    {
                        reasons.Add(Deny("blocked_memo_patterns", $"{field} matches a blocked memo pattern"));
                    }
                }
            }
        }
    }

    private static string Text(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}
