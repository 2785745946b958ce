#!/usr/bin/env bash
# The soak of issue 21 for SECONDS (docs/testing.md; CI runs 45 s inside tools/test.sh's dotnet test, the full run is 600):
# the real hsmwallet-mcp, spawned over stdio by the MCP SDK's client, under a mixed flood (read tools, signatures,
# refusals by policy, re-signings of a used Sequence, approvals answered with `hsmwallet approve`) while the loopback
# rippled stand-in answers slowly, errs, drops connections and restarts. Prints calls served, the server's peak
# memory (VmRSS from /proc), answers by kind, the ledger's faults and the invariants; exits 1 on any violation.
#   bash tools/soak.sh SECONDS [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 10 ]; then
  echo "usage: tools/soak.sh SECONDS [SEED]   (at least 10 s, e.g. 600)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p artifacts/soak
report="$(pwd)/artifacts/soak/summary.txt"
rm -f "$report"
dotnet build tests/HsmWallet.McpServer.Tests -c Release -v quiet -nologo >&2
status=0
start=$(date +%s)
HSMWALLET_SOAK_SECONDS="$seconds" HSMWALLET_SOAK_SEED="${2:-$RANDOM}" HSMWALLET_SOAK_REPORT="$report" \
  dotnet test tests/HsmWallet.McpServer.Tests -c Release --no-build --filter "FullyQualifiedName~SoakTests" >&2 || status=$?
if [ -f "$report" ]; then
  cat "$report"
else
  echo "soak: no report (the run failed before its end; see above)" >&2
  status=1
fi
echo "soak: $(( $(date +%s) - start )) s in all"
exit "$status"
