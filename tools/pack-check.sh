#!/usr/bin/env bash
# Packs hsmwallet and hsmwallet-mcp as .NET tools, installs both into an empty folder from those
# packages only, and runs them: what a user gets from `dotnet tool install` must start.
# Usage: bash tools/pack-check.sh [OUTPUT_DIR]   (default: a temporary folder, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
packages="${1:-$work/packages}"
tools_dir="$work/tools"
home="$work/home"
mkdir -p "$packages" "$tools_dir"

dotnet pack tools/Cli -c Release --no-restore -o "$packages" >/dev/null
dotnet pack src/McpServer -c Release --no-restore -o "$packages" >/dev/null
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)"
# From outside the repository, as a user installs downloaded packages: inside it, nuget.config's
# package source mapping refuses --add-source (and takes HsmWallet.* from artifacts/packages).
for package in HsmWallet.Cli HsmWallet.McpServer; do
  (cd "$work" && dotnet tool install --tool-path "$tools_dir" --add-source "$packages" "$package" --version "$version" >/dev/null)
done

echo "installed into an empty folder: $(cd "$tools_dir" && ls hsmwallet hsmwallet-mcp | tr '\n' ' ')"
echo "hsmwallet --version: $("$tools_dir/hsmwallet" --version)"
echo "hsmwallet-mcp --version: $("$tools_dir/hsmwallet-mcp" --version)"

# The MCP server answers initialize and tools/list over stdio on its zero-configuration default.
answer="$( { printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pack-check","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'; sleep 5; } \
  | timeout 60 "$tools_dir/hsmwallet-mcp" --home "$home" 2>/dev/null | grep '"id":2' || true)"
count="$(printf '%s' "$answer" | grep -o '"name":"[a-z_]*"' | sort -u | wc -l)"
if [ "$count" -lt 17 ]; then
  echo "hsmwallet-mcp did not list its tools from the installed package" >&2
  exit 1
fi
echo "hsmwallet-mcp tools/list from the installed package: $count tools"
"$tools_dir/hsmwallet" status --home "$home" --json >/dev/null && echo "hsmwallet status on the vault hsmwallet-mcp created: ok"
