#!/usr/bin/env bash
# `npm test`: the gates (types, lint with the boundary rule), then the unit, integration and
# end-to-end suites against a real PostgreSQL, Redis and Kafka of the test stack (never the data of
# `npm start`). Stops the test stack afterwards if it started it. Ends with `N passed, N failed`,
# counting every suite it ran (each gate counts as one suite, each test file as one).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

ensure_node_modules || { echo "0 passed, 1 failed"; exit 1; }
# Logs of the services under test stay quiet unless asked for (TEST_LOG_LEVEL=warn npm test).
export TEST_LOG_LEVEL="${TEST_LOG_LEVEL:-fatal}"
mkdir -p .test-results
passed=0
failed=0
summary=()

gate() {
  local name="$1"; shift
  log "gate: $name"
  if "$@"; then passed=$((passed + 1)); summary+=("PASS gate $name"); else failed=$((failed + 1)); summary+=("FAIL gate $name"); fi
}

# Runs one Jest project and adds its test-file counts to the totals.
suite() {
  local project="$1"; shift
  local report=".test-results/$project.json"
  rm -f "$report"
  log "suite: $project"
  npx jest --selectProjects "$project" --json --outputFile="$report" "$@"
  local code=$?
  if [[ -f "$report" ]]; then
    # A file that fails to run is counted by jest both as failed and as a runtime error: count it once.
    read -r p f t tp tf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTestSuites,r.numTotalTestSuites-r.numPassedTestSuites-r.numPendingTestSuites,r.numTotalTests,r.numPassedTests,r.numFailedTests)' "$root/$report")
    passed=$((passed + p)); failed=$((failed + f))
    summary+=("$([[ $code -eq 0 ]] && echo PASS || echo FAIL) $project: $p files passed, $f failed; $tp of $t tests passed")
    if [[ $code -ne 0 && $f -eq 0 ]]; then failed=$((failed + 1)); fi
  else
    failed=$((failed + 1)); summary+=("FAIL $project: jest wrote no report (exit $code)")
  fi
}

gate typecheck npx tsc --noEmit -p tsconfig.json
gate lint npx eslint . --max-warnings 0
suite unit

use_test_stack
stack_was_up=0
if bash scripts/stack.sh status >/dev/null 2>&1; then stack_was_up=1; fi
if bash scripts/stack.sh up; then
  load_stack_env "$STACK_DIR/env"
  if ensure_build; then
    suite integration --runInBand
    suite e2e --runInBand
  else
    failed=$((failed + 1)); summary+=("FAIL build")
  fi
else
  failed=$((failed + 1)); summary+=("FAIL test stack did not start")
fi
if [[ $stack_was_up -eq 0 ]]; then bash scripts/stack.sh down >/dev/null 2>&1 || true; fi

printf '\n'
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
