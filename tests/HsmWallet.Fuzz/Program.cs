using System.Globalization;
using HsmWallet.Fuzz;
using SharpFuzz;

// Usage (tools/fuzz.sh runs the first under AFL++; docs/testing.md):
//   run TARGET                  one AFL++ fuzzing session of TARGET (input from AFL's shared memory and pipes)
//   replay TARGET PATH...       runs each file (or each file of each folder) through TARGET; exit 1 on a crash
//   seed REPOSITORY             rewrites tests/HsmWallet.Fuzz/corpus/ from the repository's test vectors
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: run TARGET | replay TARGET PATH... | seed REPOSITORY").ConfigureAwait(false);
    return 2;
}

if (args[0] == "seed")
{
    SeedCorpus.Write(args[1]);
    return 0;
}

if (!FuzzTargets.All.TryGetValue(args[1], out var target))
{
    await Console.Error.WriteLineAsync("unknown target " + args[1] + "; targets: " + string.Join(", ", FuzzTargets.All.Keys)).ConfigureAwait(false);
    return 2;
}

switch (args[0])
{
    case "run":
        Fuzzer.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            target(memory.ToArray());
        });
        return 0;

    case "replay":
        var files = args.Skip(2)
            .SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories) : [path])
            .Order(StringComparer.Ordinal)
            .ToList();
        var crashes = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                crashes++;
                await Console.Error.WriteLineAsync(file + ": " + exception).ConfigureAwait(false);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[1]}: {files.Count} inputs, {crashes} crashes"));
        return crashes == 0 ? 0 : 1;

    default:
        await Console.Error.WriteLineAsync("unknown mode " + args[0]).ConfigureAwait(false);
        return 2;
}
