#!/usr/bin/env bash
# `npm run bench:ledger`: brings the stack up if needed, builds, and runs the ledger benchmark.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
run_bench bench-ledger "$@"
