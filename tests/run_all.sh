#!/usr/bin/env bash
# Runs every test suite, prints each suite's own output, then one line summed over all:
# "N passed, N failed". Exit status is non-zero when anything failed or a suite broke.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export FACENATIVE_MODELS=${FACENATIVE_MODELS:-$ROOT/../shared/models}
passed=0 failed=0 broken=()

# add PASSED FAILED SUITE: record one suite's counts.
add() { passed=$((passed + $1)); failed=$((failed + $2)); echo "== $3: $1 passed, $2 failed" >&2; }

# dotnet test prints "Passed!  - Failed: F, Passed: P, ..." (or "Failed!  - ...") per project.
run_dotnet() {
  local project=$1 log; log=$(mktemp)
  dotnet test "$project" -c Release --nologo 2>&1 | tee "$log"
  local line; line=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then broken+=("$project"); add 0 1 "$project (did not report)"; return; fi
  local f p
  f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
  p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
  add "$p" "$f" "$project"
}

run_dotnet tests/FaceNative.Core.Tests
run_dotnet tests/FaceNative.Cli.Tests

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
