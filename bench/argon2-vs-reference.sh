#!/usr/bin/env bash
# Password unlock time against the reference C `argon2` tool at the same parameters, and the cost of a
# key-file operation. Usage: bench/argon2-vs-reference.sh [MEMORY_KIB ITERATIONS PARALLELISM [RUNS]]
# (default 65536 3 4 9). Needs the Debian package `argon2` for the reference column.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v argon2 >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -qq argon2 >&2 || echo "argon2 tool unavailable; the reference column stays empty" >&2
  else
    echo "install the Debian package argon2 for the reference column" >&2
  fi
fi
dotnet run -c Release --project bench/HsmWallet.Vault.Bench -- ratio "$@"
