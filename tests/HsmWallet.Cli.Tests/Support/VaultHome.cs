using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>A scratch wallet home and the hsmwallet command lines that use it (always --json, always --home).</summary>
public sealed class VaultHome : IDisposable
{
    /// <summary>Small Argon2id costs so password tests run fast; the format accepts them (8 MiB minimum).</summary>
    public static readonly string[] CheapKdf = ["--kdf-memory", "8", "--kdf-iterations", "1", "--kdf-parallelism", "1"];

    private readonly ScratchDirectory _scratch = new();

    public string Scratch => _scratch.Path;

    public string Home => Path.Combine(_scratch.Path, "home");

    public string VaultPath => Path.Combine(Home, "vault.json");

    public CliProcess.Result Run(string? stdin, params string[] args) => CliProcess.Run(stdin, [.. args, "--home", Home, "--json"]);

    public JsonNode RunOk(string? stdin, params string[] args)
    {
        var result = Run(stdin, args);
        Assert.True(result.ExitCode == 0, $"hsmwallet {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!;
    }

    /// <summary>Writes a secret file with the given mode (0600 unless told otherwise).</summary>
    public string SecretFile(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = _scratch.Write(name, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public static JsonNode Error(CliProcess.Result result) => JsonNode.Parse(result.Stdout)!["error"]!;

    public void Dispose() => _scratch.Dispose();
}
