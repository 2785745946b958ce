#!/usr/bin/env bash
# Fuzzes one parser (or all) with SharpFuzz under AFL++ for SECONDS each (docs/testing.md):
#   bash tools/fuzz.sh TARGET SECONDS     TARGET: codec, tx-json, vault, policy, audit-line, mcp-args, or all
# Installs what it needs (Debian's afl++, the sharpfuzz tool of .config/dotnet-tools.json), builds
# tests/HsmWallet.Fuzz into artifacts/fuzz/bin (apart from the normal build, since instrumenting rewrites the
# assemblies), instruments HsmWallet.Core and hsmwallet-mcp, and runs afl-fuzz from the committed seed corpus
# (tests/HsmWallet.Fuzz/corpus/TARGET). Prints one line per target:
#   fuzz: TARGET SECONDS s, N execs, N exec/s, N paths, N crashes, N hangs
# and exits 1 when any target found a crash or a hang; the inputs are kept under artifacts/fuzz/findings/TARGET
# and replayed with their stack trace. A crash becomes a regression test (docs/testing.md says how).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(codec tx-json vault policy audit-line mcp-args)
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS   (TARGET: ${targets[*]} or all)" >&2
  exit 2
fi
if [ "$1" = "all" ]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $1 "* ]]; then
  selected=("$1")
else
  echo "fuzz: unknown target $1; targets: ${targets[*]} or all" >&2
  exit 2
fi
seconds="$2"

if ! command -v afl-fuzz >/dev/null; then
  echo "Installing afl++" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null

out="artifacts/fuzz"
bin="$out/bin"
plain="$out/plain"
rm -rf "$bin" "$plain"
dotnet build tests/HsmWallet.Fuzz -c Release -o "$bin" -v quiet -nologo >&2
# An uninstrumented copy replays what AFL++ found (instrumented code needs AFL's shared memory to run).
cp -r "$bin" "$plain"
# Instrument only the assemblies under test: the fuzz harness, the BCL and packages stay as they are.
dotnet sharpfuzz "$bin/HsmWallet.Core.dll" >&2
dotnet sharpfuzz "$bin/hsmwallet-mcp.dll" >&2

# AFL++ in a container: no CPU binding or governor checks, crashes are read from the harness, not from core files.
# .NET is not an AFL-compiled binary (SharpFuzz speaks AFL's fork-server protocol itself), hence SKIP_BIN_CHECK.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_QUIET=1 AFL_NO_CRASH_README=1
# An input that makes a parser allocate without bound fails with OutOfMemoryException (a crash), not by swapping.
export DOTNET_GCHeapHardLimit=0x20000000
# One JIT tier: no background recompilation making the same input take different paths.
export DOTNET_TieredCompilation=0

status=0
for target in "${selected[@]}"; do
  findings="$out/findings/$target"
  rm -rf "$findings"
  mkdir -p "$findings"
  # -t: one input may take at most 5 s (the first runs JIT-compile); -m none: .NET reserves far more address space than it uses.
  afl-fuzz -V "$seconds" -t 5000 -m none -i "tests/HsmWallet.Fuzz/corpus/$target" -o "$findings" \
    -- dotnet "$bin/HsmWallet.Fuzz.dll" run "$target" >"$findings/afl.log" 2>&1 || {
    echo "fuzz: afl-fuzz failed for $target:" >&2
    tail -n 30 "$findings/afl.log" >&2
    status=1
    continue
  }
  stats="$findings/default/fuzzer_stats"
  value() { grep -E "^$1 +:" "$stats" | sed 's/.*: *//'; }
  crashes=$(value saved_crashes)
  hangs=$(value saved_hangs)
  echo "fuzz: $target ${seconds} s, $(value execs_done) execs, $(value execs_per_sec) exec/s, $(value corpus_count) paths, $crashes crashes, $hangs hangs"
  if [ "$crashes" != "0" ] || [ "$hangs" != "0" ]; then
    status=1
    for input in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
      [ -e "$input" ] || continue
      echo "fuzz: $target found $input ($(base64 -w0 "$input" | head -c 400))" >&2
    done
    # The stack traces, from the same build without instrumentation.
    dotnet "$plain/HsmWallet.Fuzz.dll" replay "$target" "$findings/default/crashes" "$findings/default/hangs" >&2 || true
  fi
done
exit "$status"
