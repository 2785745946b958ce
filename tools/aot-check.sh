#!/usr/bin/env bash
# Publishes hsmwallet and hsmwallet-mcp as native AOT binaries for linux-x64 (every trimming and AOT warning is an
# error: TreatWarningsAsErrors reaches the ILCompiler too), then checks that what was published really runs: both
# print their version, and hsmwallet-mcp, started over stdio on an empty home (a key-file vault made at start),
# answers initialize, tools/list and server_status, creates a wallet, signs one Payment and verifies its audit log.
# The release workflow ships these binaries (docs/install.md); the .NET tool packages are unaffected (pack-check.sh).
# Usage: bash tools/aot-check.sh [OUTPUT_DIR]   (default artifacts/aot/linux-x64)
#        HSMWALLET_AOT_SKIP_PUBLISH=1 bash tools/aot-check.sh DIR   checks binaries already in DIR
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/aot/linux-x64}"
if [ "${HSMWALLET_AOT_SKIP_PUBLISH:-}" != "1" ]; then
  # clang links the native binary (Debian's clang and zlib1g-dev); the SDK picks the ILCompiler package itself.
  for project in tools/Cli src/McpServer; do
    dotnet publish "$project" -c Release -r linux-x64 -p:PublishAot=true -p:PublishDocumentationFiles=false -o "$out" \
      | grep -E 'warning|error|->' || true
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "aot-check: the native AOT publish of $project failed" >&2; exit 1; }
  done
fi

fail() { echo "aot-check: $*" >&2; exit 1; }
[ -x "$out/hsmwallet" ] && [ -x "$out/hsmwallet-mcp" ] || fail "no hsmwallet and hsmwallet-mcp in $out"
# A native AOT binary has no managed assembly beside it to fall back on: it runs alone (native libraries beside it).
ls "$out"/*.dll >/dev/null 2>&1 && fail "$out holds .dll files: not a native AOT publish"
echo "hsmwallet --version: $("$out/hsmwallet" --version)"
echo "hsmwallet-mcp --version: $("$out/hsmwallet-mcp" --version)"

work="$(mktemp -d)"
home="$work/home"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

# One request at a time, each answered before the next is sent (tools/call runs concurrently in the server).
coproc server { exec "$out/hsmwallet-mcp" --home "$home" --network testnet 2>"$work/stderr"; }
server_pid=$server_PID
# (The coprocess's descriptors do not reach subshells: the answer comes back in $answer, not on stdout.)
ask() { # ID JSON: sets $answer to the answer line of that id (60 s at most)
  printf '%s\n' "$2" >&"${server[1]}"
  local line
  while IFS= read -r -t 60 line <&"${server[0]}"; do
    case "$line" in *"\"id\":$1,"* | *"\"id\":$1}"*) answer=$line; return 0 ;; esac
  done
  fail "no answer to request $1; the server's stderr: $(tr '\n' ' ' <"$work/stderr")"
}

ask 1 '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"aot-check","version":"1"}}}'
case "$answer" in *'"name":"hsmwallet-mcp"'*) ;; *) fail "initialize did not name hsmwallet-mcp: ${answer:0:300}" ;; esac
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"${server[1]}"
ask 2 '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
tools="$(printf '%s' "$answer" | grep -o '"name":"[a-z_]*"' | sort -u | wc -l)"
[ "$tools" -ge 17 ] || fail "tools/list named $tools tools"
echo "tools/list: $tools tools"

expect_ok() { # ID NAME ARGUMENTS PATTERN
  ask "$1" "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"
  case "$answer" in *'"isError":true'*) fail "$2 failed: ${answer:0:600}" ;; esac
  printf '%s' "$answer" | grep -q "$4" || fail "$2 answered without $4: ${answer:0:600}"
  echo "$2: ok"
}
expect_ok 3 server_status '{}' '"unlockers'
expect_ok 4 wallet_create '{"name":"payer"}' '"address'
expect_ok 5 tx_sign '{"wallet":"payer","autofill":false,"tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000","Fee":"12","Sequence":1}}' '"tx_blob'
expect_ok 6 audit_verify '{}' '"ok":true'

exec {server[1]}>&-
wait "$server_pid" || fail "hsmwallet-mcp exited $? after stdin closed"
"$out/hsmwallet" status --home "$home" --json >/dev/null || fail "hsmwallet status could not read the vault hsmwallet-mcp made"
echo "hsmwallet status on that vault: ok"
echo "aot-check: the native AOT binaries run"
