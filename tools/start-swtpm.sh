#!/usr/bin/env bash
# Starts a private swtpm (TPM 2.0 simulator) on a free loopback port pair with its own state
# directory, and prints the TCTI string, the pid and the state directory:
#   tools/start-swtpm.sh [start] [STATE_DIR]   -> TCTI=swtpm:host=127.0.0.1,port=P  PID=N  STATE_DIR=D
#   tools/start-swtpm.sh stop STATE_DIR        -> stops the swtpm started for STATE_DIR
# Use it for manual tests and benchmarks: export HSMWALLET_TPM_TCTI="$TCTI".
set -euo pipefail

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local state_dir="${1:-}"
  if [ -z "$state_dir" ]; then state_dir="$(mktemp -d -t hsmwallet-swtpm-XXXXXX)"; fi
  mkdir -p "$state_dir"
  chmod 0700 "$state_dir"
  for _ in $(seq 1 50); do
    local port=$(( (RANDOM % 20000) + 30000 ))
    port_is_free "$port" && port_is_free $((port + 1)) || continue
    if swtpm socket --tpm2 \
        --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
        --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
        --tpmstate "dir=$state_dir" \
        --flags not-need-init,startup-clear \
        --pid "file=$state_dir/swtpm.pid" \
        --daemon 2>"$state_dir/swtpm.log"; then
      for _ in $(seq 1 100); do
        if ! port_is_free $((port + 1)); then
          echo "$port" >"$state_dir/swtpm.port"
          echo "TCTI=swtpm:host=127.0.0.1,port=$port"
          echo "PID=$(cat "$state_dir/swtpm.pid")"
          echo "STATE_DIR=$state_dir"
          return 0
        fi
        sleep 0.05
      done
    fi
  done
  echo "start-swtpm: could not start swtpm on a free loopback port (see $state_dir/swtpm.log)" >&2
  return 1
}

stop() {
  local state_dir="${1:?usage: start-swtpm.sh stop STATE_DIR}"
  local pid_file="$state_dir/swtpm.pid"
  if [ ! -f "$pid_file" ]; then
    echo "start-swtpm: no swtpm.pid in $state_dir" >&2
    return 1
  fi
  local pid
  pid="$(cat "$pid_file")"
  if [ -f "$state_dir/swtpm.port" ]; then
    swtpm_ioctl --tcp "127.0.0.1:$(( $(cat "$state_dir/swtpm.port") + 1 ))" -s 2>/dev/null || kill "$pid" 2>/dev/null || true
  else
    kill "$pid" 2>/dev/null || true
  fi
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file" "$state_dir/swtpm.port"; echo "stopped $pid"; return 0; }
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file" "$state_dir/swtpm.port"
  echo "stopped $pid"
}

case "${1:-start}" in
  start) shift || true; start "${1:-}" ;;
  stop) shift; stop "${1:-}" ;;
  -h|--help) sed -n '2,7p' "$0" ;;
  *) start "$1" ;;
esac
