#!/usr/bin/env bash
# Builds the C, Python and Go examples and runs each on the same pair of photos; all three
# must print the same distance. Ends with one line "N passed, N failed" (passed: the example
# ran and printed the C example's distance); exit status non-zero on any failure.
#   FACENATIVE_DIST    the built library to use (default: dist, from ./build.sh)
#   FACENATIVE_MODELS  models (default: ../shared/models)
#   FACENATIVE_FACES   photos (default: ../shared/faces)
# Programs are built into dist/examples.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$(realpath -m "${FACENATIVE_DIST:-$ROOT/dist}")
export FACENATIVE_MODELS=${FACENATIVE_MODELS:-$ROOT/../shared/models}
FACES=${FACENATIVE_FACES:-$ROOT/../shared/faces}
IMG1=$FACES/id10/agt_obama.jpg
IMG2=$FACES/id10/agt_obama2.jpg
OUT=$ROOT/dist/examples

[ -f "$DIST/lib/libfacenative.so" ] || echo "missing $DIST/lib/libfacenative.so: run ./build.sh" >&2
for f in "$IMG1" "$IMG2"; do [ -f "$f" ] || echo "missing photo: $f" >&2; done

# Build. A failed build leaves no program, and that example fails below.
mkdir -p "$OUT"
rm -f "$OUT/verify-c" "$OUT/verify-go"
cc -std=c99 -Wall -Wextra -pedantic -Werror -O2 examples/verify.c -I"$DIST/include" \
  -L"$DIST/lib" -lfacenative -Wl,-rpath,"$DIST/lib" -o "$OUT/verify-c"
# bindings/go's cgo flags name this checkout's include/ and dist/lib; these go before them.
(cd examples/go && GOFLAGS=-mod=mod GOPROXY=off CGO_CFLAGS="-I$DIST/include" \
  CGO_LDFLAGS="-L$DIST/lib -Wl,-rpath,$DIST/lib" go build -o "$OUT/verify-go" .)

verify_c() { "$OUT/verify-c" "$@"; }
verify_python() {
  PYTHONPATH=bindings/python FACENATIVE_LIB=$DIST/lib /usr/bin/python3 examples/verify.py "$@"
}
verify_go() { "$OUT/verify-go" "$@"; }

# Run: distances[i] is what names[i] printed, "" when it failed.
names=(c python go) distances=()
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for name in "${names[@]}"; do
  line=$("verify_$name" "$IMG1" "$IMG2" 2>"$err")
  rc=$?
  echo "$name: ${line:-(no output)} (exit $rc)"
  sed "s/^/$name: /" "$err" >&2
  if [ $rc -eq 0 ] && [[ $line =~ ^distance=([0-9]+\.[0-9]{6})\ verified=(true|false)$ ]]; then
    distances+=("${BASH_REMATCH[1]}")
  else
    distances+=("")
  fi
done

# Agree: each must print the distance the C example printed (C calls the library directly).
passed=0 failed=0
for i in "${!names[@]}"; do
  d=${distances[i]}
  if [ -n "$d" ] && [ "$d" = "${distances[0]}" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    [ -n "$d" ] && echo "${names[i]}: distance $d differs from C's ${distances[0]:-(none)}" >&2
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
