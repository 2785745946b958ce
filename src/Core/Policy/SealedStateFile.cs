using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.State;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The sealing of the state documents that limits depend on (state/policy-counters.json, state/signing-NETWORK.json),
/// in whichever <see cref="IStateStore"/> holds them: each holds its JSON body in an authenticated envelope with a
/// generation that the audit head records. A missing, edited, unsealed or older document is refused with an error
/// naming it and the recovery path (`hsmwallet state reseal`), so neither a file editor nor a database writer changes a limit.
/// </summary>
public static class SealedStateFile
{
    /// <summary>The counters file's name under state/.</summary>
    public const string CountersFileName = "policy-counters.json";

    /// <summary>
    /// The operator's recovery after checking the home by hand: every state file (and every one the audit head
    /// records) is sealed again at its current content as a new generation; a recorded file that is missing starts
    /// empty. A file that is not JSON is refused: move it away first. Call with the signing lock held.
    /// </summary>
    public static IReadOnlyList<ResealedStateFile> Reseal(IStateStore store, StateSeal seal)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seal);
        var names = new SortedSet<string>(seal.RecordedFiles("state").Select(file => Folder + file), StringComparer.Ordinal);
        names.UnionWith(store.Exclusive(Folder + "reseal", session => session.List("state")));
        var resealed = new List<ResealedStateFile>();
        foreach (var name in names.Where(IsStateDocument))
        {
            resealed.Add(store.Exclusive(name, session => ResealOne(session, name, seal)));
        }

        return resealed;
    }

    private static ResealedStateFile ResealOne(IStateSession session, string name, StateSeal seal)
    {
        var fileName = FileNameOf(name);
        var field = name;
        var content = session.Read(name);
        var text = content is null ? null : System.Text.Encoding.UTF8.GetString(content);
        string found;
        JsonObject body;
        long previous = 0;
        if (text is null)
        {
            found = "missing";
            body = Empty(fileName);
        }
        else
        {
            JsonObject root;
            try
            {
                root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidInputException(field, "must be a JSON object");
            }
            catch (JsonException exception)
            {
                throw new InvalidInputException(field, "is not JSON: move it away (it then starts empty) and run state reseal again", exception);
            }

            if (root["kind"] is null)
            {
                found = "unsealed";
                body = root;
            }
            else
            {
                found = "sealed";
                body = root["body"] as JsonObject ?? throw new InvalidInputException(field, "has no body: move it away (it then starts empty) and run state reseal again");
                previous = root["generation"] is JsonValue value && value.TryGetValue<long>(out var generation) ? generation : 0;
            }
        }

        var next = Math.Max(previous, seal.RecordedGeneration(fileName, field)) + 1;
        session.Write(name, seal.Seal(fileName, next, (JsonObject)body.DeepClone()));
        session.AfterCommit(() => seal.Written(fileName, next));
        return new ResealedStateFile(fileName, next, found);
    }

    /// <summary>Reads and checks a state file: its body (null when absent and never recorded) and generation; throws naming the file.</summary>
    internal static (JsonObject? Body, long Generation) Read(IStateSession session, string document, StateSeal seal) =>
        Read(session.Read(document), document, seal);

    /// <summary>Checks <paramref name="content"/>, as read from <paramref name="document"/> inside its scope (null: absent).</summary>
    internal static (JsonObject? Body, long Generation) Read(byte[]? content, string document, StateSeal seal)
    {
        var name = FileNameOf(document);
        var field = document;
        var recorded = seal.RecordedGeneration(name, field);
        var text = content is null ? null : System.Text.Encoding.UTF8.GetString(content);
        if (text is null)
        {
            return recorded == 0
                ? (null, 0)
                : throw StateSeal.Broken(field, $"is missing although the audit head records generation {recorded} (deleted)");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw StateSeal.Broken(field, "is not sealed for this file");
        }
        catch (JsonException)
        {
            throw StateSeal.Broken(field, "is not JSON (damaged or edited)");
        }

        if (root["kind"] is null)
        {
            throw StateSeal.Broken(field, "is not sealed (written by hand or by an older version)");
        }

        var (generation, body) = seal.Open(name, root, field);
        if (generation < recorded)
        {
            throw StateSeal.Broken(field, $"is an older copy (generation {generation}; the audit head records {recorded})");
        }

        return (body, generation);
    }

    /// <summary>Seals and writes <paramref name="body"/> as the generation after <paramref name="previous"/>; call inside the document's scope after <see cref="Read(IStateSession, string, StateSeal)"/>.</summary>
    internal static long Write(IStateSession session, string document, StateSeal seal, long previous, JsonObject body) =>
        Write(session, document, seal, previous, body, out _);

    /// <summary>As the other Write, also giving the bytes written (so the caller need not read them back).</summary>
    internal static long Write(IStateSession session, string document, StateSeal seal, long previous, JsonObject body, out byte[] written)
    {
        var name = FileNameOf(document);
        var generation = previous + 1;
        written = seal.Seal(name, generation, body);
        session.Write(document, written);
        // The audit head records the generation only once the write is durable: a head ahead of its document would refuse it after a crash.
        session.AfterCommit(() => seal.Written(name, generation));
        return generation;
    }

    /// <summary>The state document of a file name under state/ (the seal's name for it).</summary>
    internal static string DocumentOf(string fileName) => Folder + fileName;

    private const string Folder = "state/";

    private static string FileNameOf(string document) =>
        document.StartsWith(Folder, StringComparison.Ordinal) ? document[Folder.Length..] : throw new InvalidInputException("state document", "must be under state/");

    private static bool IsStateDocument(string document) => document.StartsWith(Folder, StringComparison.Ordinal) && IsStateFileName(document[Folder.Length..]);

    private static bool IsStateFileName(string name) =>
        name == CountersFileName || (name.StartsWith("signing-", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal));

    private static JsonObject Empty(string name) => name == CountersFileName
        ? new JsonObject { ["version"] = 1, ["entries"] = new JsonArray(), ["known_destinations"] = new JsonObject() }
        : new JsonObject { ["version"] = 1, ["accounts"] = new JsonObject() };
}

/// <summary>One file `state reseal` sealed again: its name, new generation, and how it was found (sealed, unsealed, missing).</summary>
/// <param name="File">The file name under state/.</param>
/// <param name="Generation">The generation it was sealed as.</param>
/// <param name="Found">"sealed", "unsealed" or "missing" (then it starts empty).</param>
public sealed record ResealedStateFile(string File, long Generation, string Found);
