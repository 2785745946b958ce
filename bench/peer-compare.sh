#!/usr/bin/env bash
# HsmWallet side by side with the TypeScript peer (xrpl-wallet-mcp 0.2.0), both driven by the official MCP TypeScript
# SDK client (bench/xrpljs/peer-compare.mjs), interleaved in one run; prints a table of medians and ratios.
# usage: bash bench/peer-compare.sh PEER_TARBALL
#   PEER_TARBALL (or $PEER_TARBALL): the peer's release tarball (xrpl-wallet-mcp-0.2.0.tar.gz), or a folder holding it;
#   it is not in the repository and never will be, so the script is told where it is.
#   The peer is unpacked and built OUTSIDE the repository, under $PEER_COMPARE_CACHE (default
#   ${XDG_CACHE_HOME:-~/.cache}/hsmwallet-peer-compare), once per tarball; the project never contains it.
#   PEER_COMPARE_STARTS (default 9) and PEER_COMPARE_SIGNATURES (default 50) size the run (about 10 minutes on 2 cores).
# Needs: the .NET SDK, node 20+ and npm, softhsm2, libargon2-1 and libsecp256k1-1 (tools/test.sh installs them).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=${1:-${PEER_TARBALL:-}}
[ -n "$tarball" ] || { echo "usage: bash bench/peer-compare.sh PEER_TARBALL (the peer's xrpl-wallet-mcp-0.2.0.tar.gz, or its folder)" >&2; exit 2; }
[ -d "$tarball" ] && tarball=$(ls "$tarball"/xrpl-wallet-mcp-*.tar.gz | head -n 1)
[ -f "$tarball" ] || { echo "peer tarball not found: $tarball (pass its path as the first argument)" >&2; exit 2; }
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
cache=${PEER_COMPARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hsmwallet-peer-compare}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
case "$cache/" in "$repo"/*) echo "PEER_COMPARE_CACHE must be outside the repository ($repo)" >&2; exit 2 ;; esac

# 1. The peer, built once per tarball as its README says (npm ci && npm run build -> dist/cli.js).
peer_root=$cache/$(sha256sum "$tarball" | cut -c1-16)
if [ ! -f "$peer_root/built" ]; then
  rm -rf "$peer_root" && mkdir -p "$peer_root"
  tar -xzf "$tarball" -C "$peer_root"
  peer_dir=$(find "$peer_root" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  echo "building the peer in $peer_dir" >&2
  (cd "$peer_dir" && npm ci --no-audit --no-fund --silent && npm run build --silent) >&2
  touch "$peer_root/built"
fi
peer_dir=$(find "$peer_root" -mindepth 1 -maxdepth 1 -type d | head -n 1)

# 2. HsmWallet (Release) and the SDK client; HSMWALLET_MCP / HSMWALLET_CLI pick other binaries (e.g. a native AOT publish).
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in src/McpServer tools/Cli bench/HsmWallet.Bench; do
  dotnet build "$project" -c Release --nologo -v quiet >&2
done
(cd bench/xrpljs && { npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; }) >&2
mcp=${HSMWALLET_MCP:-$repo/src/McpServer/bin/Release/net10.0/hsmwallet-mcp}
cli=${HSMWALLET_CLI:-$repo/tools/Cli/bin/Release/net10.0/hsmwallet}

# 3. Homes with the same Ed25519 seed (the peer imports a secp256k1 family seed as Ed25519), in a private scratch folder.
work=$(mktemp -d -t hsmwallet-peer-compare-XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
seed=sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r
printf 'Peer-compare bench password 1!' >"$work/password"
printf '314159' >"$work/pin"
printf '27182818' >"$work/so-pin"
chmod 600 "$work/password" "$work/pin" "$work/so-pin"
mkdir -m 700 "$work/tokens" "$work/peer"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
export SOFTHSM2_CONF=$work/softhsm2.conf
module=/usr/lib/softhsm/libsofthsm2.so
"$cli" token provision --module "$module" --token-label bench --key-label vault-aes --pin-file "$work/pin" --init-token --so-pin-file "$work/so-pin" >/dev/null
"$cli" --home "$work/password-home" --network testnet --password-file "$work/password" init --unlocker password --kdf-memory 64 --kdf-iterations 3 --kdf-parallelism 4 >/dev/null
"$cli" --home "$work/keyfile-home" --network testnet init --unlocker keyfile --key-file "$work/keyfile" >/dev/null
"$cli" --home "$work/pkcs11-home" --network testnet --pin-file "$work/pin" init --unlocker pkcs11 --module "$module" --token-label bench --key-label vault-aes >/dev/null
printf '%s' "$seed" | "$cli" --home "$work/password-home" --network testnet --password-file "$work/password" wallet import --name bench >/dev/null
printf '%s' "$seed" | "$cli" --home "$work/keyfile-home" --network testnet wallet import --name bench >/dev/null
printf '%s' "$seed" | "$cli" --home "$work/pkcs11-home" --network testnet --pin-file "$work/pin" wallet import --name bench >/dev/null
closed_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

COMPARE_SEED=$seed HSMWALLET_MCP=$mcp HW_PASSWORD_HOME=$work/password-home HW_PASSWORD_FILE=$work/password \
  HW_KEYFILE_HOME=$work/keyfile-home HW_PKCS11_HOME=$work/pkcs11-home HW_PIN_FILE=$work/pin \
  HW_BENCH_DLL=$repo/bench/HsmWallet.Bench/bin/Release/net10.0/HsmWallet.Bench.dll \
  XRPLJS_SIGN_BENCH=$repo/bench/xrpljs/sign-bench.mjs PEER_CLI=$peer_dir/dist/cli.js PEER_KEYSTORE=$work/peer \
  CLOSED_PORT=$closed_port node bench/xrpljs/peer-compare.mjs
