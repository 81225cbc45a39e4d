# Sourced by the scripts/bench-*.sh wrappers: what every `npm run bench:*` does before it measures.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Brings the development stack up if needed (or the one STACK_DIR names), takes its Kafka
# credentials, builds, and runs the compiled benchmark dist/scripts/<name>.js with the given arguments.
run_bench() {
  local name="$1"
  shift
  local root
  root=$(repo_root)
  cd "$root"
  ensure_node_modules
  export STACK_DIR="${STACK_DIR:-$root/.stack}"
  bash scripts/stack.sh up
  export_kafka_credentials "$STACK_DIR/env"
  ensure_build
  node "dist/scripts/$name.js" "$@"
}
