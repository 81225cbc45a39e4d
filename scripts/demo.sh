#!/usr/bin/env bash
# `npm run demo`: runs the scripted demo scenario once against the running system. If the system
# is not running, it starts it (as `npm start` would), runs the scenario, and stops it again.
# Exits 0 only if every step and the ledger invariants hold.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_modules
export STACK_DIR="${STACK_DIR:-$root/.stack}"

system_up() {
  [[ -f "$STACK_DIR/env" ]] || return 1
  local url
  url=$(grep -E '^CENTRAL_BANK_URL=' "$STACK_DIR/env" | tail -n1 | cut -d= -f2-) || return 1
  [[ -n "$url" ]] && curl -fsS -m 2 "$url/health" >/dev/null 2>&1
}

started_pid=""
stop_started() {
  if [[ -n "$started_pid" ]]; then
    log "stopping the system the demo started"
    kill -INT -- "-$started_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$started_pid" 2>/dev/null || break; sleep 0.5; done
  fi
}
trap stop_started EXIT

if ! system_up; then
  log "the system is not running: starting it (log: $STACK_DIR/logs/npm-start.log)"
  mkdir -p "$STACK_DIR/logs"
  setsid bash scripts/start.sh >"$STACK_DIR/logs/npm-start.log" 2>&1 &
  started_pid=$!
  for _ in $(seq 1 600); do
    system_up && break
    kill -0 "$started_pid" 2>/dev/null || { tail -n 30 "$STACK_DIR/logs/npm-start.log" >&2; exit 1; }
    sleep 1
  done
  system_up || { log "the system did not come up"; tail -n 30 "$STACK_DIR/logs/npm-start.log" >&2; exit 1; }
fi

ensure_build
node dist/scripts/demo.js
