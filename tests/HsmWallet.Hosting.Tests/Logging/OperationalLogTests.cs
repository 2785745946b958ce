using System.Security.Cryptography;
using HsmWallet.Hosting.Logging;
using NBitcoin;
using Serilog.Context;

namespace HsmWallet.Hosting.Tests.Logging;

public sealed class OperationalLogTests : IDisposable
{
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private readonly string home = Directory.CreateTempSubdirectory("hsmwallet-logs-").FullName;
    private readonly StringWriter stderr = new();

    // Fresh secrets each run, so the scan looks for values that exist nowhere else.
    private readonly string seed = "s" + RandomNumberGenerator.GetString(Base58, 28);
    private readonly string hexKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly string mnemonic = new Mnemonic(Wordlist.English, WordCount.Twelve).ToString();
    private readonly string password = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
    // Nine digits: longer than any digit run a timestamp or counter in the log can hold.
    private readonly string pin = RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        stderr.Dispose();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public void Seeds_keys_mnemonics_passwords_and_PINs_reach_neither_the_file_nor_stderr_however_they_are_logged()
    {
        using (var log = OperationalLog.Create(home, "hsmwallet-mcp", stderr))
        {
            log.Information("wallet {Wallet} imported", "main");
            log.Information("imported seed {Value}", seed);
            log.Information($"careless interpolation of {seed} and {hexKey}");
            log.Information("key material {Material}", hexKey);
            log.Information("words {Words}", mnemonic);
            log.Information("login {Password} {Pin}", password, pin);
            log.Information("request {@Request}", new { Wallet = "main", Password = password, Pin = pin, Nested = new { Seed = seed } });
            log.Information("list {Items}", new[] { seed, "fine" });
            log.Information("raw text password=" + password + " pin: " + pin);
            log.Error(new InvalidOperationException("failed near " + seed + " with " + hexKey), "operation failed");
        }

        var written = stderr + string.Concat(Directory.GetFiles(OperationalLog.Folder(home)).Select(File.ReadAllText));

        Assert.Contains("main", written, StringComparison.Ordinal); // The log itself works.
        Assert.Contains("operation failed", written, StringComparison.Ordinal);
        foreach (var secret in new[] { seed, hexKey, mnemonic, password, pin })
        {
            Assert.DoesNotContain(secret, written, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Line_separators_bidi_controls_and_newlines_from_logged_text_cannot_forge_or_hide_a_log_line()
    {
        const string forged = "main\u2028INF wallet unlocked by the operator\u2029\u202Eevil\u202C\r\nFAKE LINE\u200B";
        using (var log = OperationalLog.Create(home, "hsmwallet-mcp", stderr))
        {
            log.Information("wallet {Wallet} refused", forged);
            log.Information("careless interpolation of " + forged);
            log.Error(new InvalidOperationException("failed on " + forged), "operation failed");
        }

        var console = stderr.ToString();
        var file = File.ReadAllText(Assert.Single(Directory.GetFiles(OperationalLog.Folder(home))));
        foreach (var written in new[] { console, file })
        {
            Assert.Equal(-1, written.AsSpan().IndexOfAny("\u2028\u2029\u202E\u202C\u200B"));
            Assert.DoesNotContain("\nFAKE LINE", written, StringComparison.Ordinal);
        }

        Assert.Contains("main<U+2028>INF wallet unlocked by the operator<U+2029><U+202E>evil<U+202C><U+000D><U+000A>FAKE LINE<U+200B>", console, StringComparison.Ordinal);
        Assert.Equal(3, console.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.Contains(" INF ", StringComparison.Ordinal) || line.Contains(" ERR ", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_correlation_id_of_the_context_is_on_every_line()
    {
        var correlationId = Guid.NewGuid().ToString("N");
        using (var log = OperationalLog.Create(home, "hsmwallet", stderr))
        using (LogContext.PushProperty(OperationalLog.CorrelationIdProperty, correlationId))
        {
            log.Information("signing for {Wallet}", "main");
        }

        var file = Assert.Single(Directory.GetFiles(OperationalLog.Folder(home)));
        Assert.Contains($"\"CorrelationId\":\"{correlationId}\"", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Contains(correlationId, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_file_is_named_after_the_process_and_readable_by_its_owner_only()
    {
        using (var log = OperationalLog.Create(home, "hsmwallet-mcp", stderr))
        {
            log.Information("started");
        }

        var folder = OperationalLog.Folder(home);
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.StartsWith("hsmwallet-mcp-", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void An_older_log_file_others_can_read_is_made_owner_only_when_the_log_opens()
    {
        var folder = OperationalLog.Folder(home);
        Directory.CreateDirectory(folder);
        var older = Path.Combine(folder, "hsmwallet-20261101.log");
        File.WriteAllText(older, "{}\n");
        File.SetUnixFileMode(older, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (var log = OperationalLog.Create(home, "hsmwallet", stderr))
        {
            log.Information("started");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(older));
    }

    [Fact]
    public void A_link_among_the_log_files_is_refused_rather_than_written_through()
    {
        var folder = OperationalLog.Folder(home);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(home, "elsewhere.txt");
        File.WriteAllText(target, "not a log");
        File.CreateSymbolicLink(Path.Combine(folder, "hsmwallet-20261101.log"), target);

        var refused = Assert.Throws<HsmWallet.Core.Secrets.Files.UnsafeFilePermissionsException>(() => OperationalLog.Create(home, "hsmwallet", stderr).Dispose());

        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_below_the_minimum_level_are_not_written()
    {
        using (var log = OperationalLog.Create(home, "hsmwallet", stderr, Serilog.Events.LogEventLevel.Warning))
        {
            log.Information("chatty detail");
            log.Warning("worth knowing");
        }

        Assert.DoesNotContain("chatty detail", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("worth knowing", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Framework_sources_log_only_warnings_and_above()
    {
        using (var log = OperationalLog.Create(home, "hsmwallet-mcp", stderr, Serilog.Events.LogEventLevel.Debug))
        {
            log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "ModelContextProtocol.Server").Information("sdk chatter");
            log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "ModelContextProtocol.Server").Warning("sdk warning");
            log.Debug("own debug detail");
        }

        Assert.DoesNotContain("sdk chatter", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("sdk warning", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("own debug detail", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_name_that_is_a_path_is_refused()
    {
        var error = Assert.Throws<HsmWallet.Core.InvalidInputException>(() => OperationalLog.Create(home, "../escape", stderr));
        Assert.Equal("processName", error.Field);
    }
}
