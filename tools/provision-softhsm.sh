#!/usr/bin/env bash
# Sets up a private SoftHSM2 token for trying HsmWallet's PKCS#11 unlocker, end to end, with the stock tools
# (softhsm2-util, pkcs11-tool): a config file and token directory under FOLDER, a token, a user PIN and a
# wrapping key (AES-256 for aes-gcm, P-256 for ecies, RSA-3072 for rsa-oaep). Prints the SOFTHSM2_CONF to export.
#
# usage: tools/provision-softhsm.sh FOLDER [--label L] [--key-label K] [--mode aes-gcm|ecies|rsa-oaep]
#        PINs come from $SOFTHSM_USER_PIN_FILE / $SOFTHSM_SO_PIN_FILE (files, 0600) or are generated into
#        FOLDER/user.pin and FOLDER/so.pin (0600). They are never put on a command line of ours; note that
#        softhsm2-util and pkcs11-tool only take PINs as arguments, so run this on a machine you trust.
set -euo pipefail

usage() { echo "usage: $0 FOLDER [--label L] [--key-label K] [--mode aes-gcm|ecies|rsa-oaep]" >&2; exit 2; }
[ $# -ge 1 ] || usage
folder="$1"; shift
label="hsmwallet"; key_label="hsmwallet-vault"; mode="aes-gcm"
while [ $# -gt 0 ]; do
  case "$1" in
    --label) label="$2"; shift 2 ;;
    --key-label) key_label="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    *) usage ;;
  esac
done
case "$mode" in aes-gcm|ecies|rsa-oaep) ;; *) usage ;; esac

module="/usr/lib/softhsm/libsofthsm2.so"
for tool in softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install softhsm2 opensc" >&2; exit 1; }
done
[ -f "$module" ] || { echo "$module is missing: apt-get install softhsm2" >&2; exit 1; }

umask 077
mkdir -p "$folder/tokens"
folder="$(cd "$folder" && pwd)"
conf="$folder/softhsm2.conf"
cat > "$conf" <<CONF
directories.tokendir = $folder/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$conf"

read_or_make_pin() { # $1 = file variable value, $2 = default file, $3 = digits
  if [ -n "$1" ]; then cat "$1"; return; fi
  if [ ! -f "$2" ]; then
    LC_ALL=C tr -dc '0-9' < /dev/urandom | head -c "$3" > "$2"
  fi
  cat "$2"
}
user_pin="$(read_or_make_pin "${SOFTHSM_USER_PIN_FILE:-}" "$folder/user.pin" 8)"
so_pin="$(read_or_make_pin "${SOFTHSM_SO_PIN_FILE:-}" "$folder/so.pin" 12)"

if softhsm2-util --show-slots | grep -q "Label:[[:space:]]*$label\$"; then
  echo "token '$label' already exists in $folder/tokens" >&2
else
  softhsm2-util --init-token --free --label "$label" --so-pin "$so_pin" --pin "$user_pin" >/dev/null
fi

p11() { pkcs11-tool --module "$module" --token-label "$label" --login --pin "$user_pin" "$@"; }
if p11 --list-objects 2>/dev/null | grep -q "label:[[:space:]]*$key_label\$"; then
  echo "key '$key_label' already exists on token '$label'" >&2
else
  case "$mode" in
    aes-gcm)
      # Token, private, sensitive, never extractable (pkcs11-tool sets CKA_EXTRACTABLE only with --extractable).
      # pkcs11-tool cannot clear CKA_MODIFIABLE nor the wrap/unwrap usage SoftHSM2 adds: `hsmwallet token provision` sets exact attributes.
      p11 --keygen --key-type AES:32 --label "$key_label" --id 01 --sensitive --usage-decrypt >/dev/null ;;
    ecies)
      p11 --keypairgen --key-type EC:prime256v1 --label "$key_label" --id 01 --usage-derive --sensitive >/dev/null ;;
    rsa-oaep)
      p11 --keypairgen --key-type rsa:3072 --label "$key_label" --id 01 --usage-decrypt --sensitive >/dev/null ;;
  esac
fi

serial="$(softhsm2-util --show-slots | awk -v l="$label" '/Serial number:/ {s=$3} /Label:/ {if ($2==l) print s}' | head -n1)"
cat <<DONE
SoftHSM2 token '$label' (serial $serial) with key '$key_label' ($mode) is ready.
User PIN file: ${SOFTHSM_USER_PIN_FILE:-$folder/user.pin}

export SOFTHSM2_CONF=$conf
hsmwallet slot add --unlocker pkcs11 --module $module --token-label $label --key-label $key_label --mode $mode --pin-file ${SOFTHSM_USER_PIN_FILE:-$folder/user.pin}
DONE
