# Shared helpers for the project's shell entry points (sourced, not run).
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs the npm dependencies when they are missing or older than the lock file, so that every
# entry point works on a fresh clone by itself.
ensure_node_modules() {
  local root; root=$(repo_root)
  if [[ ! -f "$root/node_modules/.package-lock.json" || "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]]; then
    log "installing npm dependencies (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Compiles apps, libs and scripts to dist/ when any source is newer than the last build.
ensure_build() {
  local root; root=$(repo_root)
  local stamp="$root/dist/.build-stamp"
  if [[ ! -f "$stamp" ]] || [[ -n "$(find "$root/apps" "$root/libs" "$root/scripts" "$root/loadtest" "$root/tsconfig.json" "$root/tsconfig.build.json" -newer "$stamp" \( -name '*.ts' -o -name '*.json' -o -name '*.sql' \) -print -quit 2>/dev/null)" ]]; then
    log "building (tsc)"
    (cd "$root" && rm -rf dist && npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json && touch "$stamp")
  fi
}

# Settings of the test stack: its own data folder and ports, so `npm test` never touches the
# data of `npm start`, and both can run side by side.
use_test_stack() {
  local root; root=$(repo_root)
  export STACK_DIR="${TEST_STACK_DIR:-$root/.stack-test}"
  export STACK_PG_PORT="${TEST_STACK_PG_PORT:-55532}" STACK_REDIS_PORT="${TEST_STACK_REDIS_PORT:-56479}"
  export STACK_KAFKA_PORT="${TEST_STACK_KAFKA_PORT:-59192}" STACK_KAFKA_CONTROLLER_PORT="${TEST_STACK_KAFKA_CONTROLLER_PORT:-59193}"
}

# Exports every KEY=value line of a stack's env file into this shell.
load_stack_env() {
  local file="$1"
  set -a
  # shellcheck disable=SC1090
  source "$file"
  set +a
}

# Exports the Kafka principal a stack's env file names for tools (its admin, a super user; see
# docs/decisions/0015-kafka-acls.md), so a benchmark or tool that reads only KAFKA_BROKERS from
# that file still authenticates: createKafka takes KAFKA_SASL_* from the environment.
export_kafka_credentials() {
  local file="$1" line
  [[ -f "$file" ]] || return 0
  while IFS= read -r line; do
    case "$line" in
      KAFKA_SASL_MECHANISM=* | KAFKA_SASL_USERNAME=* | KAFKA_SASL_PASSWORD=* | KAFKA_CREDENTIALS_FILE=*) export "${line?}" ;;
    esac
  done <"$file"
}
