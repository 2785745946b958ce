using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using HsmWallet.KeyProviders.Tpm.Native;

namespace HsmWallet.KeyProviders.Tests.Tpm;

/// <summary>Every P/Invoke structure against what gcc reports for /usr/include/tss2: a wrong offset would corrupt memory silently.</summary>
public sealed class TpmStructureLayoutTests
{
    private static readonly (string CType, Type ManagedType, (string CField, string ManagedField)[] Fields)[] Structures =
    [
        ("TPM2B_DIGEST", typeof(Tpm2bDigest), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPM2B_AUTH", typeof(Tpm2bDigest), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPM2B_NONCE", typeof(Tpm2bDigest), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPM2B_DATA", typeof(Tpm2bData), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPM2B_SENSITIVE_DATA", typeof(Tpm2bSensitiveData), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPMS_SENSITIVE_CREATE", typeof(TpmsSensitiveCreate), [("userAuth", "UserAuth"), ("data", "Data")]),
        ("TPM2B_SENSITIVE_CREATE", typeof(Tpm2bSensitiveCreate), [("size", "Size"), ("sensitive", "Sensitive")]),
        ("TPM2B_PUBLIC", typeof(Tpm2bPublic), [("size", "Size"), ("publicArea", "PublicArea")]),
        ("TPM2B_PRIVATE", typeof(Tpm2bPrivate), [("size", "Size"), ("buffer", "Buffer")]),
        ("TPMT_SYM_DEF", typeof(TpmtSymDef), [("algorithm", "Algorithm"), ("keyBits", "KeyBits"), ("mode", "Mode")]),
        ("TPMS_PCR_SELECTION", typeof(TpmsPcrSelection), [("hash", "Hash"), ("sizeofSelect", "SizeOfSelect"), ("pcrSelect", "PcrSelect")]),
        ("TPML_PCR_SELECTION", typeof(TpmlPcrSelection), [("count", "Count"), ("pcrSelections", "Selections")]),
        ("TPMS_TAGGED_PROPERTY", typeof(TpmsTaggedProperty), [("property", "Property"), ("value", "Value")]),
        ("TPML_TAGGED_TPM_PROPERTY", typeof(TpmlTaggedTpmProperty), [("count", "Count"), ("tpmProperty", "Properties")]),
        ("TPML_HANDLE", typeof(TpmlHandle), [("count", "Count"), ("handle", "Handles")]),
        ("TPMS_CAPABILITY_DATA", typeof(TpmsCapabilityData), [("capability", "Capability"), ("data.tpmProperties", "TpmProperties"), ("data.handles", "Handles")]),
    ];

    [Fact]
    public void Every_structure_has_the_size_and_field_offsets_the_C_compiler_gives_it()
    {
        var reported = CompileAndRunLayoutProbe();
        var mismatches = new List<string>();
        foreach (var (cType, managedType, fields) in Structures)
        {
            Compare(mismatches, reported, $"sizeof {cType}", SizeOf(managedType));
            foreach (var (cField, managedField) in fields)
            {
                Compare(mismatches, reported, $"offsetof {cType} {cField}", (int)Marshal.OffsetOf(managedType, managedField));
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void The_ESAPI_handle_constants_match_the_header()
    {
        var reported = CompileAndRunLayoutProbe();

        Assert.Equal((int)EsysConstants.None, reported["value ESYS_TR_NONE"]);
        Assert.Equal((int)EsysConstants.PasswordSession, reported["value ESYS_TR_PASSWORD"]);
        Assert.Equal((int)EsysConstants.OwnerHierarchy, reported["value ESYS_TR_RH_OWNER"]);
        Assert.Equal(EsysConstants.SessionDecrypt, reported["value TPMA_SESSION_DECRYPT"]);
        Assert.Equal(EsysConstants.SessionEncrypt, reported["value TPMA_SESSION_ENCRYPT"]);
        Assert.Equal((int)EsysConstants.PropertyLockoutCounter, reported["value TPM2_PT_LOCKOUT_COUNTER"]);
        Assert.Equal((int)EsysConstants.PermanentInLockout, reported["value TPMA_PERMANENT_INLOCKOUT"]);
    }

    private static void Compare(List<string> mismatches, Dictionary<string, int> reported, string key, int managed)
    {
        if (!reported.TryGetValue(key, out var native))
        {
            mismatches.Add($"{key}: not reported by the probe");
        }
        else if (native != managed)
        {
            mismatches.Add($"{key}: C {native}, C# {managed}");
        }
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static Dictionary<string, int> CompileAndRunLayoutProbe()
    {
        var source = new StringBuilder();
        source.AppendLine("#include <stdio.h>");
        source.AppendLine("#include <stddef.h>");
        source.AppendLine("#include <tss2/tss2_esys.h>");
        source.AppendLine("int main(void) {");
        foreach (var (cType, _, fields) in Structures)
        {
            source.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"sizeof {cType} %zu\\n\", sizeof({cType}));");
            foreach (var (cField, _) in fields)
            {
                source.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"offsetof {cType} {cField} %zu\\n\", offsetof({cType}, {cField}));");
            }
        }

        foreach (var constant in new[] { "ESYS_TR_NONE", "ESYS_TR_PASSWORD", "ESYS_TR_RH_OWNER", "TPMA_SESSION_DECRYPT", "TPMA_SESSION_ENCRYPT", "TPM2_PT_LOCKOUT_COUNTER", "TPMA_PERMANENT_INLOCKOUT" })
        {
            source.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"value {constant} %lu\\n\", (unsigned long)({constant}));");
        }

        source.AppendLine("  return 0;\n}");
        var directory = Directory.CreateTempSubdirectory("hsmwallet-tss-layout-").FullName;
        try
        {
            var sourcePath = Path.Combine(directory, "layout.c");
            var binaryPath = Path.Combine(directory, "layout");
            File.WriteAllText(sourcePath, source.ToString());
            Run("gcc", sourcePath, "-o", binaryPath);
            return Run(binaryPath)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => (Key: line[..line.LastIndexOf(' ')], Value: int.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
                .ToDictionary(entry => entry.Key, entry => entry.Value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output.Result;
    }
}
