#!/usr/bin/env bash
# Cold start of hsmwallet-mcp from a client's side: milliseconds from starting the process to the answer of
# its first tools/list (initialize, initialized, tools/list on stdin), once per run, on one existing home.
# usage: bash bench/mcp-coldstart.sh [BINARY] [RUNS] [SERVER OPTIONS...]
#   HSMWALLET_BENCH_HOME=DIR uses an existing home (e.g. a password vault, with --password-file FILE) instead of a new one
#   BINARY: default src/McpServer/bin/Release/net10.0/hsmwallet-mcp (a ReadyToRun publish compares; docs/mcp.md)
set -euo pipefail
bin=${1:-src/McpServer/bin/Release/net10.0/hsmwallet-mcp}
runs=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
if [ -n "${HSMWALLET_BENCH_HOME:-}" ]; then
  home=$HSMWALLET_BENCH_HOME
else
  home=$(mktemp -d)
  chmod 700 "$home"
  trap 'rm -rf "$home"' EXIT
fi
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  { printf '%s\n' \
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
      '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
      '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
    sleep 10; } | "$bin" --home "$home" --network testnet "$@" 2>/dev/null | while read -r line; do
    case "$line" in *'"id":2'*) echo $(( ($(date +%s%N) - start) / 1000000 )); break ;; esac
  done
done
