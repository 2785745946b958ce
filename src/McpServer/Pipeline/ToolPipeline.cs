using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The one pipeline every tools/call goes through, in this order (ARCHITECTURE.md, docs/mcp.md):
/// 1 rate limit per tier (every call spends budget, an invalid one too; an unknown name spends the standard
/// tier's), 2 size, 3 classification (unknown tool denied), 4 validation (cleaned arguments replace the
/// agent's), 5 concurrency, 6 timeout with cancellation, 7 the tool (policy, approval and the per-operation
/// unlock happen inside Core's use cases it calls), 8 the audit entry for refusals (bounded per kind and
/// window, see <see cref="RefusalAudit"/>), 9 fail-secure error bodies. Nothing reaches a tool without passing 1-6.
/// </summary>
public sealed partial class ToolPipeline : IDisposable
{
    private readonly ToolPipelineOptions _options;
    private readonly RateLimits _rateLimits;
    private readonly ConcurrencyLimiter _concurrency;
    private readonly Func<IAuditLog?> _audit;
    private readonly RefusalAudit _refusals;
    private readonly Func<Task> _ready;
    private readonly ILogger _logger;
    private readonly Func<ApprovalStore?> _approvals;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _freeRetries = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RateLimits> _agentLimits = new(StringComparer.Ordinal);

    /// <summary>
    /// Builds the pipeline; <paramref name="audit"/> yields the audit log once the first unlock has keyed it, and
    /// <paramref name="ready"/> completes when the server's start-up has run (no tool runs before), and
    /// <paramref name="approvals"/> yields the operator's approval store (a retry redeeming an approval is not charged).
    /// </summary>
    public ToolPipeline(ToolPipelineOptions options, Func<IAuditLog?> audit, Func<Task> ready, ILogger<ToolPipeline> logger, TimeProvider? time = null, Func<ApprovalStore?>? approvals = null)
    {
        _ready = ready;
        _approvals = approvals ?? (static () => null);
        _time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _audit = audit;
        _refusals = new RefusalAudit(audit, time, options.RefusalAuditWindow);
        _logger = logger;
        _rateLimits = new RateLimits(options.AutoReplenishRateLimits, options.RateLimits);
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentOperations,
            QueueLimit = options.MaxConcurrentOperations * 2,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The refusal every call gets when the server's start-up found the home unusable (null: none).</summary>
    public Func<ToolRefusedException?> StartupFailure { get; init; } = static () => null;

    /// <summary>The rate limiters of the stdio client (tests refill them by hand).</summary>
    public RateLimits RateLimits => _rateLimits;

    /// <summary>
    /// Names the wallet a wallet argument refers to (by name or address), throwing as an unknown wallet does; the host
    /// sets it so an agent's wallet list is enforced here, once for every tool that takes a wallet.
    /// </summary>
    public Func<string, string>? ResolveWalletName { get; init; }

    /// <summary>Where each call's outcome is counted for --metrics (null: not counted).</summary>
    public Metrics.ServerMetrics? Metrics { get; init; }

    /// <summary>The rate limiters of an agent over HTTP (one set per agent, made at its first call; the registry bounds the agents).</summary>
    public RateLimits RateLimitsOf(string agent) =>
        _agentLimits.GetOrAdd(agent, _ => new RateLimits(_options.AutoReplenishRateLimits, _options.RateLimits));

    /// <summary>Refills every limiter, the stdio client's and each agent's (tests step time this way).</summary>
    public void ReplenishAll()
    {
        _rateLimits.Replenish();
        foreach (var limits in _agentLimits.Values)
        {
            limits.Replenish();
        }
    }

    /// <summary>Writes the refusal counts not yet in the audit log and stops the periodic flush; the host calls it when the server stops.</summary>
    public void FlushRefusalAudit()
    {
        try
        {
            _refusals.Dispose();
            _refusals.FlushAll();
        }
#pragma warning disable CA1031 // Stopping goes on; the log says the last counts could not be written.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogAuditFailure(error.GetType().Name, "shutdown");
        }
    }

    /// <summary>The SDK call-tool filter: wraps the tool handler in the pipeline.</summary>
    public McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        (context, cancellationToken) => RunAsync(context, next, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _refusals.Dispose();
        _rateLimits.Dispose();
        foreach (var limits in _agentLimits.Values)
        {
            limits.Dispose();
        }

        _concurrency.Dispose();
    }

    private async ValueTask<CallToolResult> RunAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var correlationId = Guid.NewGuid().ToString("N");
        var toolName = context.Params?.Name ?? string.Empty;
        // Over HTTP the bearer token's agent (carried by the SDK as the request's user); null over stdio.
        var agent = Http.AgentPrincipal.From(context.User);
        try
        {
            // 1. Rate limit per tier, before anything else: every call spends budget, an invalid one too, so
            //    refusals cannot be produced faster than the tier allows. An unknown name spends the standard tier's.
            //    The one exception: the first retry carrying an approval the operator has approved (see FreeApprovalRetry).
            var known = ToolCatalog.TryClassify(toolName, out var toolClass, out var tier);
            if (!(known && FreeApprovalRetry(context.Params?.Arguments)))
            {
                (agent is null ? _rateLimits : RateLimitsOf(agent.Name)).Take(known ? tier : RateTier.Standard);
            }

            // 2. Size: the arguments as JSON, at most 1 MB.
            if (ArgumentBytes(context.Params?.Arguments) > _options.MaxRequestBytes)
            {
                throw new InvalidInputException("request", $"must be at most {_options.MaxRequestBytes} bytes");
            }

            // 3. Classification: only the catalog's tools exist.
            if (!known)
            {
                throw new InvalidInputException("name", "is not a tool this server offers");
            }

            // 4. Validation: the tool sees only cleaned, checked arguments.
            context.Params!.Arguments = InputValidator.Validate(toolName, context.Params.Arguments);

            // The start-up (vault creation, first unlock) runs beside the transport; no tool runs before it ended.
            await _ready().WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
            if (StartupFailure() is { } unusable)
            {
                throw new ToolRefusedException(unusable.Code, unusable.Message, (JsonObject)unusable.Extra.DeepClone());
            }

            // 4b. An agent's wallets: a wallet outside its list is refused exactly as an unknown one, for every tool.
            if (agent is { Wallets: not null })
            {
                CheckAgentScope(agent, toolName, context.Params.Arguments);
            }

            // 5. Concurrency: at most N at once; a call past it waits briefly, then is refused.
            using var slotWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            slotWait.CancelAfter(_options.ConcurrencyWait);
            RateLimitLease slot;
            try
            {
                slot = await _concurrency.AcquireAsync(1, slotWait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Busy();
            }

            if (!slot.IsAcquired)
            {
                slot.Dispose();
                throw Busy();
            }

            // 6. Timeout with cancellation; 7. the tool. The slot is held until the tool has really ended.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            // The call's context goes to the tool as a parameter (bound from the request's services), never ambient.
            context.Services = new ToolCallServices(context.Services, new ToolCall(correlationId, toolName, toolClass, DateTimeOffset.UtcNow + _options.Timeout, timeout.Token) { Agent = agent });
            var running = next(context, timeout.Token).AsTask();
            _ = running.ContinueWith(static (_, lease) => ((RateLimitLease)lease!).Dispose(), slot, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                var result = await running.WaitAsync(timeout.Token).ConfigureAwait(false);
                if (result.IsError == true)
                {
                    var ours = IsOurErrorBody(result);
                    Metrics?.ToolOutcome(toolName, ours ? ErrorCode(result) : "invalid_input");
                    return ours
                        ? result
                        : ErrorBodies.Build("invalid_input", "arguments: do not match the tool's input schema", correlationId);
                }

                var done = WithStructuredContent(result);
                Metrics?.ToolOutcome(toolName, null, done.StructuredContent);
                return done;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ToolRefusedException("timeout", $"the operation took longer than {(int)_options.Timeout.TotalSeconds} s and was cancelled; nothing was signed after the cancellation (a transaction signed before it may exist: check tx_status or wallet_history)");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // 9. Fail-secure: every failure becomes a coded error body, whatever its type.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return Refuse(error, toolName, correlationId, agent);
        }
    }

    /// <summary>
    /// The answer to a tools/call whose arguments hold text that cannot be read (an escape of half a surrogate pair):
    /// the SDK cannot read such a request, so the transport hands it here instead (BoundedLineStream). It spends the
    /// tool's rate tier and is audited as any invalid input, naming <paramref name="field"/> and the rule.
    /// </summary>
    public CallToolResult RefuseUndecodable(string? toolName, string field)
    {
        var correlationId = Guid.NewGuid().ToString("N");
        var name = toolName ?? string.Empty;
        try
        {
            var known = ToolCatalog.TryClassify(name, out _, out var tier);
            _rateLimits.Take(known ? tier : RateTier.Standard);
            return Refuse(new InvalidInputException(field, JsonText.Rule), name, correlationId);
        }
#pragma warning disable CA1031 // Fail-secure, as in RunAsync: the rate limit's refusal becomes its coded error body.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return Refuse(error, name, correlationId);
        }
    }

    private CallToolResult Refuse(Exception error, string toolName, string correlationId, Hosting.Agents.AgentRecord? agent = null)
    {
        var result = ErrorBodies.From(error, correlationId, out var code);
        var safeName = InputValidator.Clean(toolName, InputValidator.MaxNameLength);
        var errorType = error.GetType().Name;
        LogRefusal(safeName, code, errorType, correlationId);
        if (code == "internal")
        {
            // The stack says where, never what: exception messages stay out of the log as well.
            var where = error.StackTrace ?? string.Empty;
            LogInternal(errorType, correlationId, where);
        }
        else if (error is Core.State.StateStoreException state)
        {
            // For the operator: which store and what failed (safe by construction: host:port/database, never a
            // password) and the database's own error class; the agent is told only that the store is unavailable.
            LogStateStore(state.Message, state.InnerException?.GetType().Name ?? "none", correlationId);
        }

        AuditRefusal(toolName, code, correlationId, agent);
        Metrics?.ToolOutcome(toolName, code);
        return result;
    }

    /// <summary>
    /// The SDK list-tools filter: every tool listed carries its outputSchema from <see cref="ToolOutputSchemas"/>, so a
    /// client knows the shape of the structuredContent each successful call returns.
    /// </summary>
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> PublishOutputSchemas(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, cancellationToken) =>
        {
            ArgumentNullException.ThrowIfNull(next);
            var result = await next(context, cancellationToken).ConfigureAwait(false);
            foreach (var tool in result.Tools)
            {
                tool.OutputSchema = ToolOutputSchemas.For(tool.Name) ?? tool.OutputSchema;
            }

            return result;
        };

    /// <summary>A successful result with its JSON text also as structuredContent (the same value, parsed once here).</summary>
    private static CallToolResult WithStructuredContent(CallToolResult result)
    {
        if (result.StructuredContent is not null || result.Content is not [TextContentBlock text])
        {
            return result;
        }

        try
        {
            using var document = JsonDocument.Parse(text.Text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                result.StructuredContent = document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the result stays text only, and the tests' schema check fails for the tool that returned it.
        }

        return result;
    }

    /// <summary>
    /// True for the one call per approval that costs no rate-limit budget: it carries an approval_id that the
    /// operator's store holds as approved and unexpired, and no call before it in this process was let through free
    /// with that id. So a human approval round trip (approval_pending, then the retry) costs one call of the tier, not
    /// two; an agent cannot make free calls without a human approving each (an unknown, pending, denied or used id,
    /// or the same id again, pays as usual). Any doubt (an unreadable store, too many ids remembered) pays.
    /// </summary>
    private bool FreeApprovalRetry(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null
            || !arguments.TryGetValue("approval_id", out var value)
            || value.ValueKind != JsonValueKind.String
            || value.GetString() is not { Length: > 0 and <= InputValidator.MaxNameLength } id
            || _approvals() is not { } store)
        {
            return false;
        }

        PendingApproval approval;
        try
        {
            approval = store.Get(id);
        }
#pragma warning disable CA1031 // Whatever the store says other than "approved", the call pays.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }

        var now = _time.GetUtcNow();
        if (approval.State != ApprovalState.Approved || approval.ExpiresAt <= now)
        {
            return false;
        }

        lock (_freeRetries)
        {
            foreach (var expired in _freeRetries.Where(entry => entry.Value <= now).Select(entry => entry.Key).ToList())
            {
                _freeRetries.Remove(expired);
            }

            return _freeRetries.Count < MaxFreeRetriesRemembered && _freeRetries.TryAdd(approval.Id, approval.ExpiresAt);
        }
    }

    /// <summary>How many approval ids that had their free retry are remembered (until they expire); past it, retries pay.</summary>
    private const int MaxFreeRetriesRemembered = 1024;

    /// <summary>
    /// Refuses a call naming a wallet outside <paramref name="agent"/>'s list with the very error an unknown wallet
    /// gets (so an agent cannot learn which other wallets exist); a new wallet's name must be on its list too.
    /// </summary>
    private void CheckAgentScope(Hosting.Agents.AgentRecord agent, string toolName, IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || !ToolDeclarations.TryGet(toolName, out var declaration))
        {
            return;
        }

        foreach (var argument in declaration.Arguments)
        {
            if (!arguments.TryGetValue(argument.Name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { } reference)
            {
                continue;
            }

            if (argument.Kind == ArgumentKind.Wallet)
            {
                var resolve = ResolveWalletName ?? throw new InvalidOperationException("the pipeline has no wallet resolver");
                if (!agent.Sees(resolve(reference)))
                {
                    throw new InvalidInputException(argument.Name, "names no wallet in the vault");
                }
            }
            else if (argument.Kind == ArgumentKind.Name && !agent.Sees(reference))
            {
                throw new InvalidInputException(argument.Name, "is not a wallet name this agent may use (hsmwallet agent add --wallets)");
            }
        }
    }

    private static ToolRefusedException Busy() =>
        new("rate_limited", "too many operations at once; retry shortly", new JsonObject { ["retry_after_ms"] = 1000 });

    private static long ArgumentBytes(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null)
        {
            return 0;
        }

        long total = 0;
        foreach (var (name, value) in arguments)
        {
            total += name.Length + value.GetRawText().Length;
        }

        return total;
    }

    private static string ErrorCode(CallToolResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.Content.OfType<TextContentBlock>().First().Text);
            return document.RootElement.GetProperty("error").GetProperty("code").GetString() ?? "internal";
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "internal";
        }
    }

    private static bool IsOurErrorBody(CallToolResult result) =>
        result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text.StartsWith("{\"error\":{\"code\":", StringComparison.Ordinal) == true;

    // 8. Refusals the pipeline decides, and approvals refused or awaited, are audited too (the use cases audit their own
    //    outcomes). The ones an agent can repeat at will go through RefusalAudit: one entry per kind, tool and window, with a count.
    private void AuditRefusal(string toolName, string code, string correlationId, Hosting.Agents.AgentRecord? agent)
    {
        var tool = ToolDeclarations.ByName.ContainsKey(toolName) ? toolName : "unknown";
        try
        {
            switch (code)
            {
                case "rate_limited":
                    _refusals.Record(AuditEventType.SecurityRateLimit, tool, code, correlationId, ActorId(agent));
                    break;
                case "invalid_input":
                    _refusals.Record(AuditEventType.SecurityInvalidInput, tool, code, correlationId, ActorId(agent));
                    break;
                case "approval_declined" or "approval_pending" or "approval_delayed" when ToolDeclarations.TryGet(toolName, out var declaration) && declaration.ApprovalAudit is { } eventType:
                    Append(eventType, tool, code, correlationId, agent);
                    break;
                default:
                    break;
            }
        }
#pragma warning disable CA1031 // A refusal stays a refusal even when its audit entry cannot be written.
        catch (Exception error)
#pragma warning restore CA1031
        {
            if (_logger.IsEnabled(LogLevel.Error))
            {
                LogAuditFailure(error.GetType().Name, correlationId);
            }
        }
    }

    private static string ActorId(Hosting.Agents.AgentRecord? agent) => agent is null ? ApprovalStore.DefaultAgent : "agent:" + agent.Name;

    private void Append(AuditEventType eventType, string tool, string code, string correlationId, Hosting.Agents.AgentRecord? agent) =>
        _audit()?.Append(new AuditEvent(
            eventType,
            tool,
            correlationId,
            new AuditActor(AuditActorType.User, ActorId(agent)),
            "tools/call",
            null,
            AuditResult.Denied,
            code));

    [LoggerMessage(Level = LogLevel.Information, Message = "tool {Tool} refused: {Code} ({ErrorType}), correlation id {CorrelationId}")]
    private partial void LogRefusal(string tool, string code, string errorType, string correlationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{StateStoreError} (cause {CauseType}), correlation id {CorrelationId}")]
    private partial void LogStateStore(string stateStoreError, string causeType, string correlationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "internal error {ErrorType}, correlation id {CorrelationId}, at {StackTrace}")]
    private partial void LogInternal(string errorType, string correlationId, string stackTrace);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit entry for a refusal could not be written ({ErrorType}), correlation id {CorrelationId}")]
    private partial void LogAuditFailure(string errorType, string correlationId);
}
