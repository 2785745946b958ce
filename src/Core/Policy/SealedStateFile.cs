using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The storage layer of the state files that limits depend on (state/policy-counters.json, state/signing-NETWORK.json):
/// each holds its JSON body in an authenticated envelope with a generation that the audit head records. A missing,
/// edited, unsealed or older file is refused with an error naming it and the recovery path (`hsmwallet state reseal`).
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
    public static IReadOnlyList<ResealedStateFile> Reseal(string stateDirectory, StateSeal seal)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        ArgumentNullException.ThrowIfNull(seal);
        var names = new SortedSet<string>(seal.RecordedFiles("state"), StringComparer.Ordinal);
        if (Directory.Exists(stateDirectory))
        {
            names.UnionWith(Directory.EnumerateFiles(stateDirectory).Select(Path.GetFileName).OfType<string>().Where(IsStateFileName));
        }

        var resealed = new List<ResealedStateFile>();
        foreach (var name in names.Where(IsStateFileName))
        {
            var path = Path.Combine(stateDirectory, name);
            var field = Field(path);
            using var processLock = PolicyProcessLock.Acquire(path);
            var text = PolicyFileStore.ReadChecked(path, field);
            string found;
            JsonObject body;
            long previous = 0;
            if (text is null)
            {
                found = "missing";
                body = Empty(name);
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

            var next = Math.Max(previous, seal.RecordedGeneration(name, field)) + 1;
            PolicyFileStore.WriteAtomic(path, seal.Seal(name, next, (JsonObject)body.DeepClone()));
            seal.Written(name, next);
            resealed.Add(new ResealedStateFile(name, next, found));
        }

        return resealed;
    }

    /// <summary>Reads and checks a state file: its body (null when absent and never recorded) and generation; throws naming the file.</summary>
    internal static (JsonObject? Body, long Generation) Read(string path, StateSeal seal)
    {
        var name = Path.GetFileName(path);
        var field = Field(path);
        var recorded = seal.RecordedGeneration(name, field);
        var text = PolicyFileStore.ReadChecked(path, field);
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

    /// <summary>Seals and writes <paramref name="body"/> as the generation after <paramref name="previous"/>; call under the file's process lock after <see cref="Read"/>.</summary>
    internal static long Write(string path, StateSeal seal, long previous, JsonObject body)
    {
        var name = Path.GetFileName(path);
        var generation = previous + 1;
        PolicyFileStore.WriteAtomic(path, seal.Seal(name, generation, body));
        seal.Written(name, generation);
        return generation;
    }

    private static string Field(string path) => "state/" + Path.GetFileName(path);

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
