#!/usr/bin/env bash
# Regenerates the approval page screenshots in docs/images from the real-browser tests (chromium,
# headless, a virtual authenticator): the tests save them when HSMWALLET_SCREENSHOTS names a folder.
# Usage: tools/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(pwd)/docs/images"
mkdir -p "$out"
HSMWALLET_SCREENSHOTS="$out" dotnet test tests/HsmWallet.Browser.Tests -c Release \
  --filter "FullyQualifiedName~The_page_shows_the_summary|FullyQualifiedName~A_quorum_of_two|FullyQualifiedName~A_delayed_payment"
ls -l "$out"
