#!/usr/bin/env bash
# Refreshes the codec's field table from rippled's server_definitions output (definitions.json).
# Usage: tools/refresh-definitions.sh [path/to/definitions.json]
# Default source: the repository's reference vector, tests/Fixtures/xrpl/definitions.json (refresh it
# first as tests/Fixtures/xrpl/README.md says). A file given as the argument replaces both that vector
# and the embedded copy, so the test comparing the two keeps meaning "the codec knows the reference table".
# The file is checked to be JSON with FIELDS and TYPES before it replaces anything;
# run the tests afterwards: the reference fixtures must still pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixture="$root/tests/Fixtures/xrpl/definitions.json"
source_file="${1:-$fixture}"
target="$root/src/Core/Xrpl/Codec/Definitions/definitions.json"

if [ ! -f "$source_file" ]; then
  echo "refresh-definitions: no file at $source_file" >&2
  exit 1
fi

if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
except ValueError as error:
    sys.exit("not valid JSON: " + str(error))
if not isinstance(data, dict):
    sys.exit("the top level is not a JSON object")
fields, types = data.get("FIELDS"), data.get("TYPES")
if not isinstance(fields, list) or not fields:
    sys.exit("FIELDS is missing or empty")
if not isinstance(types, dict) or not types:
    sys.exit("TYPES is missing or empty")
for entry in fields:
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], dict)):
        sys.exit("a FIELDS entry is not [name, {...}]")
    for key in ("nth", "type", "isVLEncoded", "isSerialized", "isSigningField"):
        if key not in entry[1]:
            sys.exit("field " + entry[0] + " lacks " + key)
' "$source_file" || { echo "refresh-definitions: $source_file is not a usable definitions file" >&2; exit 1; }
elif command -v jq >/dev/null 2>&1; then
  jq -e '(.FIELDS | type == "array" and length > 0) and (.TYPES | type == "object" and length > 0)' "$source_file" >/dev/null \
    || { echo "refresh-definitions: $source_file is not a usable definitions file" >&2; exit 1; }
else
  # Last resort without a JSON parser: the two sections must at least be present.
  grep -q '"FIELDS"' "$source_file" && grep -q '"TYPES"' "$source_file" \
    || { echo "refresh-definitions: $source_file lacks FIELDS or TYPES" >&2; exit 1; }
fi

changed=0
for destination in "$target" "$fixture"; do
  if [ "$(realpath "$source_file")" = "$(realpath "$destination")" ] || cmp -s "$source_file" "$destination"; then
    continue
  fi
  cp "$source_file" "$destination"
  echo "refresh-definitions: copied $source_file to ${destination#"$root/"}"
  changed=1
done

if [ "$changed" -eq 0 ]; then
  echo "refresh-definitions: already up to date"
else
  echo "refresh-definitions: now run the tests (bash tools/test.sh)"
fi
