#!/usr/bin/env bash
# Resident memory of hsmwallet-mcp over use: one server on a fresh home (the zero-configuration key-file vault),
# driven over stdio one request at a time; prints VmRSS (MiB) idle (2 s after the first tools/list), after 20 and
# after 50 offline signatures (tx_sign, autofill false, each 2 s settled), and the peak (VmHWM).
# usage: bash bench/mcp-memory.sh [BINARY] [SIGNATURES]
#   BINARY: default src/McpServer/bin/Release/net10.0/hsmwallet-mcp (the JIT build);
#           artifacts/aot/linux-x64/hsmwallet-mcp after tools/aot-check.sh (native AOT)
set -euo pipefail
bin=${1:-src/McpServer/bin/Release/net10.0/hsmwallet-mcp}
total=${2:-50}
work=$(mktemp -d)
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
coproc server { exec "$bin" --home "$work/home" --network testnet --rate-strict '600/min,burst=100' 2>"$work/stderr"; }
server_pid=$server_PID
ask() { # ID JSON: waits for the answer of that id
  printf '%s\n' "$2" >&"${server[1]}"
  local line
  while IFS= read -r -t 60 line <&"${server[0]}"; do
    case "$line" in *"\"id\":$1,"* | *"\"id\":$1}"*)
      case "$line" in *'"isError":true'*) echo "request $1 failed: ${line:0:400}" >&2; exit 1 ;; esac
      return 0 ;;
    esac
  done
  echo "no answer to request $1: $(cat "$work/stderr")" >&2
  exit 1
}
# The server restarts itself once (same pid) without the diagnostics port: its pid is the coprocess's.
smaps() { # resident kB of the largest mappings, when HSMWALLET_BENCH_SMAPS is set
  [ -n "${HSMWALLET_BENCH_SMAPS:-}" ] || return 0
  echo "$1: $(awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 } /^Rss:/ { rss[name] += $2 } END { for (n in rss) print rss[n], (n == "" ? "[anon]" : n) }' "/proc/$server_pid/smaps" | sort -rn | head -4 | tr '\n' ';')"
}
rss() { awk -v what="$1" '$1 == what":" { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }
call() { ask "$1" "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"; }

ask 1 '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"${server[1]}"
ask 2 '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
sleep 2
idle=$(rss VmRSS)
smaps idle
call 3 wallet_create '{"name":"payer"}'
id=10
for n in $(seq 1 "$total"); do
  call "$id" tx_sign "{\"wallet\":\"payer\",\"autofill\":false,\"tx\":{\"TransactionType\":\"Payment\",\"Destination\":\"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe\",\"Amount\":\"1000\",\"Fee\":\"12\",\"Sequence\":$n}}"
  id=$((id + 1))
  if [ "$n" -eq 20 ]; then sleep 2; at20=$(rss VmRSS); smaps "after 20"; fi
done
sleep 2
echo "binary: $bin"
echo "idle RSS: $idle MiB; after 20 signatures: $at20 MiB; after $total: $(rss VmRSS) MiB; peak (VmHWM): $(rss VmHWM) MiB; threads: $(awk '$1 == "Threads:" { print $2 }' "/proc/$server_pid/status")"
smaps "after $total"
