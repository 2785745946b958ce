using HsmWallet.Core;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>Checks PCR indices chosen at enrolment and builds the sha256-bank selection the policy binds to.</summary>
internal static class TpmPcrSelection
{
    /// <summary>PCRs 0 to 23, the platform's bank size.</summary>
    public const int PcrCount = 24;

    /// <summary>Returns the indices sorted and without duplicates, or throws naming the rule broken.</summary>
    public static int[] Normalize(IEnumerable<int> pcrIndices)
    {
        ArgumentNullException.ThrowIfNull(pcrIndices);
        var sorted = new SortedSet<int>();
        foreach (var index in pcrIndices)
        {
            if (index is < 0 or >= PcrCount)
            {
                throw new InvalidInputException("pcrs", "each PCR index must be between 0 and 23");
            }

            sorted.Add(index);
        }

        return [.. sorted];
    }

    /// <summary>The TPML_PCR_SELECTION for the sha256 bank and the given PCRs.</summary>
    public static unsafe TpmlPcrSelection ToNative(IReadOnlyList<int> pcrIndices)
    {
        var selection = default(TpmlPcrSelection);
        selection.Count = 1;
        ref var bank = ref selection.Selections[0];
        bank.Hash = EsysConstants.AlgorithmSha256;
        bank.SizeOfSelect = 3;
        foreach (var index in pcrIndices)
        {
            bank.PcrSelect[index / 8] |= (byte)(1 << (index % 8));
        }

        return selection;
    }
}
