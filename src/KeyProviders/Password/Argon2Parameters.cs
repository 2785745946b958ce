namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// Argon2id cost settings stored in each password slot (memory in KiB, passes, lanes), bounded so a
/// tampered slot cannot ask for absurd memory and a weak one cannot be enrolled by accident.
/// </summary>
/// <param name="MemoryKib">Memory in KiB (65536 = 64 MiB).</param>
/// <param name="Iterations">Passes over the memory.</param>
/// <param name="Parallelism">Lanes (threads).</param>
public sealed record Argon2Parameters(int MemoryKib, int Iterations, int Parallelism)
{
    /// <summary>Smallest memory accepted in a slot: 8 MiB (tests use it; `init` never goes below 64 MiB).</summary>
    public const int MinimumMemoryKib = 8 * 1024;

    /// <summary>Largest memory accepted in a slot: 4 GiB.</summary>
    public const int MaximumMemoryKib = 4 * 1024 * 1024;

    /// <summary>Largest pass count accepted.</summary>
    public const int MaximumIterations = 64;

    /// <summary>Largest lane count accepted.</summary>
    public const int MaximumParallelism = 16;

    /// <summary>The floor of calibrated `init` defaults: 64 MiB and 3 passes (the spec's figures).</summary>
    public static Argon2Parameters Floor { get; } = new(64 * 1024, 3, 4);

    /// <summary>Throws <see cref="Core.InvalidInputException"/> naming the KDF option outside its bounds.</summary>
    public void Validate()
    {
        if (MemoryKib is < MinimumMemoryKib or > MaximumMemoryKib)
        {
            throw new Core.InvalidInputException("kdf-memory", "must be 8 to 4096 MiB");
        }

        if (Iterations is < 1 or > MaximumIterations)
        {
            throw new Core.InvalidInputException("kdf-iterations", $"must be 1 to {MaximumIterations}");
        }

        if (Parallelism is < 1 or > MaximumParallelism)
        {
            throw new Core.InvalidInputException("kdf-parallelism", $"must be 1 to {MaximumParallelism}");
        }
    }
}
