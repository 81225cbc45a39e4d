#!/usr/bin/env bash
# `npm start`: installs what is missing, brings up the stack (PostgreSQL, Redis, Kafka), builds,
# starts every app and stays up until Ctrl-C; then stops the apps and the stack it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
started_at=$(date +%s%N)

ensure_node_modules
export STACK_DIR="${STACK_DIR:-$root/.stack}"
stack_was_up=0
if bash scripts/stack.sh status >/dev/null 2>&1; then stack_was_up=1; fi
bash scripts/stack.sh up
ensure_build

stop_stack() {
  if [[ $stack_was_up -eq 0 ]]; then
    log "stopping the stack"
    bash scripts/stack.sh down || true
  fi
}
trap stop_stack EXIT
# Ctrl-C reaches the whole foreground process group: node stops the apps, then this script stops
# the stack once node has exited.
trap ':' INT TERM
START_BEGIN_NS=$started_at node dist/scripts/run-system.js &
wait $! || true
wait $! 2>/dev/null || true
