#!/usr/bin/env bash
# `npm run bench:sealer`: brings the stack up if needed, builds, and measures what sealing and
# endorsing cost per ledger entry (scripts/bench-sealer.ts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
run_bench bench-sealer "$@"
