#!/usr/bin/env bash
# The crash-consistency harness at N kill points (docs/testing.md; CI runs 200 inside tools/test.sh, the full run
# is 1,000): a writer doing every kind of private-file write is SIGKILLed at a chosen write step, again and again,
# and after each kill a fresh process checks the invariants. Prints the figures (kill points tried, invariant
# violations, kills per kind of write) and exits 1 on any violation.
#   bash tools/crash-consistency.sh N
set -euo pipefail
cd "$(dirname "$0")/.."
points="${1:-1000}"
if ! [[ "$points" =~ ^[0-9]+$ ]] || [ "$points" -eq 0 ]; then
  echo "usage: tools/crash-consistency.sh N   (N kill points, e.g. 1000)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p artifacts/crash
report="$(pwd)/artifacts/crash/summary.txt"
rm -f "$report"
dotnet build tests/HsmWallet.KeyProviders.Tests -c Release -v quiet -nologo >&2
status=0
start=$(date +%s)
HSMWALLET_CRASH_POINTS="$points" HSMWALLET_CRASH_REPORT="$report" \
  dotnet test tests/HsmWallet.KeyProviders.Tests -c Release --no-build --filter "FullyQualifiedName~CrashConsistencyTests" >&2 || status=$?
if [ -f "$report" ]; then
  cat "$report"
fi
echo "crash consistency: $(( $(date +%s) - start )) s"
exit "$status"
