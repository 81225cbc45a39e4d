#!/usr/bin/env bash
# `npm run bench:foundation`: see scripts/bench-foundation.ts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_modules
ensure_build
node dist/scripts/bench-foundation.js "$@"
