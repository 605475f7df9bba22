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

# --- C ABI and bindings (issue 3): tests/c, bindings/python, bindings/go; need dist/lib, dist/bin ---

# run_counted NAME COMMAND...: for runners whose last summary line is "N passed, N failed".
run_counted() {
  local name=$1 log; shift; log=$(mktemp)
  # Shown with the suite's name in front so that only the total below stands alone as
  # "N passed, N failed" (the line CI reads).
  "$@" 2>&1 | tee "$log" | sed -E "s|^([0-9]+ passed, [0-9]+ failed)$|($name) \1|"
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -z "$line" ]; then broken+=("$name"); add 0 1 "$name (did not report)"; return; fi
  add "$(cut -d' ' -f1 <<<"$line")" "$(cut -d' ' -f3 <<<"$line")" "$name"
}

run_c_abi() {
  if ! make -C tests/c --no-print-directory; then broken+=(tests/c); add 0 1 "tests/c (build)"; return; fi
  run_counted "tests/c symbols" tests/c/check_symbols.sh
  run_counted "tests/c api" dist/tests/c/test_abi
  # 10 000 face_verify calls: a few minutes (FACE_MEMTEST_CALLS shortens it for a quick run).
  run_counted "tests/c memory" dist/tests/c/test_memory
}

# pytest ends with e.g. "== 26 passed, 1 failed in 42.17s ==" (failed/errors absent when 0).
run_pytest() {
  local log; log=$(mktemp)
  PYTHONPATH=bindings/python /usr/bin/python3 -m pytest -q -p no:cacheprovider bindings/python/tests \
    2>&1 | tee "$log"
  local line; line=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -1)
  if [ -z "$line" ]; then broken+=(pytest); add 0 1 "bindings/python (did not report)"; return; fi
  local p f e
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)
  e=$(grep -oE '[0-9]+ errors?' <<<"$line" | cut -d' ' -f1)
  add "${p:-0}" "$((${f:-0} + ${e:-0}))" "bindings/python"
}

# Plain `pip install ./bindings/python`, offline, into a venv that sees Debian's setuptools
# (Debian's own pip refuses the system Python: PEP 668).
run_pip_install() {
  local tmp ok=1; tmp=$(mktemp -d)
  /usr/bin/python3 -m venv --system-site-packages "$tmp/venv" \
    && "$tmp/venv/bin/python" -m pip install -q ./bindings/python \
    && (cd "$tmp" && FACENATIVE_LIB=$ROOT/dist/lib "$tmp/venv/bin/python" -c \
          'import facenative; print("installed:", facenative.version())') \
    && ok=0
  rm -rf "$tmp" bindings/python/build bindings/python/*.egg-info
  if [ $ok -eq 0 ]; then add 1 0 "pip install ./bindings/python"; else add 0 1 "pip install ./bindings/python"; fi
}

# go test -v prints "--- PASS: Name" / "--- FAIL: Name" per test; -race checks the bindings.
run_gotest() {
  local log; log=$(mktemp)
  (cd bindings/go && GOFLAGS=-mod=mod GOPROXY=off go test -race -count=1 -v . ) 2>&1 | tee "$log"
  local p f
  p=$(grep -cE '^--- PASS: ' "$log"); f=$(grep -cE '^--- FAIL: ' "$log")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then broken+=(go); add 0 1 "bindings/go (did not report)"; return; fi
  if grep -qE '^(FAIL|panic:)' "$log" && [ "$f" -eq 0 ]; then f=1; fi
  add "$p" "$f" "bindings/go"
}

run_c_abi
run_pytest
run_pip_install
run_gotest
run_counted examples examples/run.sh
# --- end C ABI and bindings ---

# --- gRPC server (issue 4): runs against dist/bin/facenative-grpc, published by build.sh ---
run_dotnet tests/FaceNative.Grpc.Tests
# --- end gRPC server ---

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
