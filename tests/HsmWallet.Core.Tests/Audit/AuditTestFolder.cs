using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

/// <summary>A temporary audit folder with a fixed key and helpers to write, read and tamper with its files.</summary>
public sealed class AuditTestFolder : IDisposable
{
    public AuditTestFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "hsmwallet-audit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Folder = Path.Combine(Root, "audit");
    }

    public static byte[] Key { get; } = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public string Root { get; }

    public string Folder { get; }

    public string HeadPath => Path.Combine(Folder, "head.json");

    public static AuditEvent Event(int n, JsonObject? parameters = null) => new(
        AuditEventType.TransactionSign,
        "tx_sign",
        "corr-" + n,
        new AuditActor(AuditActorType.User, "agent"),
        "tx_sign",
        parameters ?? new JsonObject { ["wallet"] = "main", ["n"] = n },
        n % 3 == 0 ? AuditResult.Denied : AuditResult.Success,
        n % 3 == 0 ? "policy_denied" : null);

    public AuditWriter Writer(AuditWriterOptions? options = null) => new(Folder, Key, options);

    /// <summary>Makes a folder a test built by hand owner-only (0700, files 0600), as a real home is: audit files open to others are refused.</summary>
    public static void MakePrivate(string folder)
    {
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(folder))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public List<AuditEntry> Write(int count, AuditWriterOptions? options = null)
    {
        using var writer = Writer(options);
        return Enumerable.Range(1, count).Select(n => writer.Append(Event(n))).ToList();
    }

    public AuditVerification Verify(IAuditAnchor? anchor = null) => AuditVerifier.Verify(Folder, Key, anchor);

    public string[] LogFiles() => Directory.GetFiles(Folder, "audit-*.jsonl").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The lines of the single log file, for tests that do not rotate.</summary>
    public List<string> Lines() => File.ReadAllLines(LogFiles().Single(), Encoding.UTF8).ToList();

    public void Rewrite(List<string> lines) =>
        File.WriteAllText(LogFiles().Single(), string.Concat(lines.Select(line => line + "\n")), new UTF8Encoding(false));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves by hand, to cross midnight without waiting.</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
