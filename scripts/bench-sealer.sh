#!/usr/bin/env bash
# `npm run bench:sealer`: brings the stack up if needed, builds, and measures what sealing and
# endorsing cost per ledger entry (scripts/bench-sealer.ts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_modules
export STACK_DIR="${STACK_DIR:-$root/.stack}"
bash scripts/stack.sh up
ensure_build
node dist/scripts/bench-sealer.js "$@"
