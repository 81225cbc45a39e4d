#!/usr/bin/env bash
# `npm run loadtest -- --scenario retail --rate 3000 --duration 60s`: installs vegeta when it is
# missing, brings the system up when it is not running (as `npm start` does, in the background),
# runs the load test (loadtest/loadtest.ts), and stops the system again if it started it.
#
# Settings: STACK_DIR and the STACK_*_PORT variables (scripts/stack.sh), the apps' ports
# (CENTRAL_BANK_PORT, BANK_A_PORT, BANK_B_PORT, REGULATOR_PORT), CBDC_CACHE_DIR (vegeta is built
# into $CBDC_CACHE_DIR/go/bin), VEGETA_BIN (a vegeta binary to use instead).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_modules
export STACK_DIR="${STACK_DIR:-$root/.stack}"
VEGETA_VERSION=v12.13.0
CACHE_DIR="${CBDC_CACHE_DIR:-$HOME/.cache/cbdc}"

# vegeta (MIT) from the Go module proxy, built once into the cache; Go itself must be installed.
ensure_vegeta() {
  if [[ -n "${VEGETA_BIN:-}" ]]; then return 0; fi
  local bin="$CACHE_DIR/go/bin/vegeta"
  # `go install` stamps no version into the binary: a file beside it records which one it is.
  if [[ ! -x "$bin" ]] || [[ "$(cat "$bin.version" 2>/dev/null)" != "$VEGETA_VERSION" ]]; then
    command -v go >/dev/null || { log "vegeta is missing and Go is not installed: install Go (apt-get install golang-go) and rerun"; exit 1; }
    log "installing vegeta $VEGETA_VERSION (go install) into $CACHE_DIR/go/bin"
    mkdir -p "$CACHE_DIR/go"
    GOPATH="$CACHE_DIR/go" GOBIN="$CACHE_DIR/go/bin" GOFLAGS=-modcacherw GO111MODULE=on \
      go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
    echo "$VEGETA_VERSION" >"$bin.version"
  fi
  export VEGETA_BIN="$bin"
}

system_up() {
  [[ -f "$STACK_DIR/env" ]] || return 1
  local url
  url=$(grep -E '^CENTRAL_BANK_URL=' "$STACK_DIR/env" | tail -n1 | cut -d= -f2-) || return 1
  [[ -n "$url" ]] && curl -fsS -m 2 "$url/health" >/dev/null 2>&1
}

started_pid=""
stop_started() {
  if [[ -n "$started_pid" ]]; then
    log "stopping the system the load test started"
    kill -INT -- "-$started_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$started_pid" 2>/dev/null || break; sleep 0.5; done
  fi
}
trap stop_started EXIT

ensure_vegeta
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
rc=0
node dist/loadtest/loadtest.js "$@" || rc=$?
exit "$rc"
