#!/usr/bin/env bash
# `npm run bench:payment`: brings the stack up if needed, builds, and measures a single payment's round trip.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
run_bench bench-payment "$@"
