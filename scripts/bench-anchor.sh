#!/usr/bin/env bash
# `npm run bench:anchor`: brings the stack up if needed, builds, and runs the anchor benchmark.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
run_bench bench-anchor "$@"
