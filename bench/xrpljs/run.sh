#!/usr/bin/env bash
# Installs xrpl.js (pinned in package.json, locked in package-lock.json) and runs its signing benchmark.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --silent --no-audit --no-fund 2>/dev/null || npm install --silent --no-audit --no-fund
node sign-bench.mjs
