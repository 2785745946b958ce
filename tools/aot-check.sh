#!/usr/bin/env bash
# Publishes hsmwallet and hsmwallet-mcp as native AOT binaries for linux-x64 (every trimming and AOT warning is an
# error: TreatWarningsAsErrors reaches the ILCompiler too), then checks that what was published really runs: both
# print their version, and hsmwallet-mcp, started over stdio on an empty home (a key-file vault made at start),
# answers initialize, tools/list and server_status, creates a wallet, signs one Payment and verifies its audit log.
# Then PKCS#11 through Pkcs11Interop on a private SoftHSM2 token (package softhsm2): hsmwallet provisions a key for
# each wrap mode (aes-gcm, ecies, rsa-oaep), makes a vault with a slot for each and tests each slot, and makes an
# on-token secp256k1 wallet; hsmwallet-mcp, unlocking through the token, reports the slot healthy, signs with a vault
# wallet and with the on-token key, and verifies its audit log.
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
start_server() { # HOME [OPTIONS...]: starts hsmwallet-mcp over stdio on HOME and opens the MCP session
  coproc server { exec "$out/hsmwallet-mcp" --home "$1" --network testnet "${@:2}" 2>"$work/stderr"; }
  server_pid=$server_PID
  ask 1 '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"aot-check","version":"1"}}}'
  case "$answer" in *'"name":"hsmwallet-mcp"'*) ;; *) fail "initialize did not name hsmwallet-mcp: ${answer:0:300}" ;; esac
  printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"${server[1]}"
}
stop_server() { # closes stdin: the server must exit cleanly
  exec {server[1]}>&-
  wait "$server_pid" || fail "hsmwallet-mcp exited $? after stdin closed"
}
# (The coprocess's descriptors do not reach subshells: the answer comes back in $answer, not on stdout.)
ask() { # ID JSON: sets $answer to the answer line of that id (60 s at most)
  printf '%s\n' "$2" >&"${server[1]}"
  local line
  while IFS= read -r -t 60 line <&"${server[0]}"; do
    case "$line" in *"\"id\":$1,"* | *"\"id\":$1}"*) answer=$line; return 0 ;; esac
  done
  fail "no answer to request $1; the server's stderr: $(tr '\n' ' ' <"$work/stderr")"
}
expect_ok() { # ID NAME ARGUMENTS PATTERN
  ask "$1" "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"
  case "$answer" in *'"isError":true'*) fail "$2 failed: ${answer:0:600}" ;; esac
  printf '%s' "$answer" | grep -q "$4" || fail "$2 answered without $4: ${answer:0:600}"
  echo "$2: ok"
}
payment() { # WALLET: tx_sign arguments for one offline Payment
  printf '{"wallet":"%s","autofill":false,"tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000","Fee":"12","Sequence":1}}' "$1"
}

start_server "$home"
ask 2 '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
tools="$(printf '%s' "$answer" | grep -o '"name":"[a-z_]*"' | sort -u | wc -l)"
[ "$tools" -ge 17 ] || fail "tools/list named $tools tools"
echo "tools/list: $tools tools"
expect_ok 3 server_status '{}' '"unlockers'
expect_ok 4 wallet_create '{"name":"payer"}' '"address'
expect_ok 5 tx_sign "$(payment payer)" '"tx_blob'
expect_ok 6 audit_verify '{}' '"ok":true'
stop_server
"$out/hsmwallet" status --home "$home" --json >/dev/null || fail "hsmwallet status could not read the vault hsmwallet-mcp made"
echo "hsmwallet status on that vault: ok"

# PKCS#11 (SoftHSM2): a private token directory, PINs in owner-only files.
module=/usr/lib/softhsm/libsofthsm2.so
[ -f "$module" ] || fail "$module is missing (apt-get install softhsm2): the PKCS#11 check needs it"
p11="$work/pkcs11"
mkdir -m 700 "$p11" "$p11/tokens"
printf '314159' >"$p11/pin"
printf '27182818' >"$p11/so-pin"
chmod 600 "$p11/pin" "$p11/so-pin"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$p11/tokens" >"$p11/softhsm2.conf"
export SOFTHSM2_CONF="$p11/softhsm2.conf"
cli() { # ARGS...: runs hsmwallet on the PKCS#11 home; its output in $p11/out
  "$out/hsmwallet" --home "$p11/home" --network testnet --pin-file "$p11/pin" "$@" >"$p11/out" 2>&1 \
    || fail "hsmwallet $*: $(head -c 600 "$p11/out")"
}
token=(--module "$module" --token-label aot)
provision=(token provision "${token[@]}" --pin-file "$p11/pin")
cli "${provision[@]}" --key-label vault-aes --init-token --so-pin-file "$p11/so-pin"
cli "${provision[@]}" --key-label vault-ec --mode ecies
cli "${provision[@]}" --key-label vault-rsa --mode rsa-oaep
cli init --unlocker pkcs11 "${token[@]}" --key-label vault-aes
cli slot add --unlocker pkcs11 "${token[@]}" --key-label vault-ec --mode ecies
cli slot add --unlocker pkcs11 "${token[@]}" --key-label vault-rsa --mode rsa-oaep
for slot in 1 2 3; do
  cli slot test "$slot" --json
  grep -q "\"opened_by\": *$slot" "$p11/out" && grep -q '"healthy": *true' "$p11/out" \
    || fail "PKCS#11 slot $slot did not open the vault: $(head -c 600 "$p11/out")"
done
echo "hsmwallet PKCS#11 slots aes-gcm, ecies, rsa-oaep: each opens the vault"
cli wallet create --name payer
cli wallet create --name onchip --on-token --key-type secp256k1
echo "hsmwallet wallet create --on-token: ok"

start_server "$p11/home" --pin-file "$p11/pin"
expect_ok 3 server_status '{}' '"kind":"pkcs11","hardware":true,"healthy":true'
expect_ok 4 tx_sign "$(payment payer)" '"tx_blob'
expect_ok 5 tx_sign "$(payment onchip)" '"tx_blob'
expect_ok 6 audit_verify '{}' '"ok":true'
stop_server
echo "aot-check: the native AOT binaries run, PKCS#11 included"
