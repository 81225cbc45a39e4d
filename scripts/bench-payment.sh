#!/usr/bin/env bash
# `npm run bench:payment`: brings the stack up if needed, builds, and measures a single payment's round trip.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_modules
export STACK_DIR="${STACK_DIR:-$root/.stack}"
bash scripts/stack.sh up
ensure_build
node dist/scripts/bench-payment.js "$@"
