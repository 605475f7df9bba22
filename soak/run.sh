#!/usr/bin/env bash
# Soak test (not part of ./build.sh test): CALLS verify calls through the C ABI and through
# gRPC, resident memory and file descriptors sampled every 1000 calls.
#   ./build.sh soak [CALLS=20000]      (after ./build.sh; about 10–20 minutes per surface)
# Each surface prints its curve and a JSON summary, and fails if memory keeps growing.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
calls=${1:-20000}
models=${FACENATIVE_MODELS:-$ROOT/../shared/models}
faces=$ROOT/../shared/faces
photo_a=$faces/id10/agt_obama_small.jpg
photo_b=$faces/id10/agt_obama-480p.jpg
status=0

echo "== C ABI soak: $calls face_verify calls (tests/c/test_memory)" >&2
make -C tests/c --no-print-directory >/dev/null || exit 1
FACE_MEMTEST_CALLS=$calls FACENATIVE_FACES=$faces dist/tests/c/test_memory &
pid=$!
fds=()
while kill -0 "$pid" 2>/dev/null; do
  n=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l) && [ "$n" -gt 0 ] && fds+=("$n")
  sleep 5
done
wait "$pid" || status=1
# The first two samples (10 s) fall in the warm-up, while models and threads are still opening.
if ((${#fds[@]} > 2)); then fds=("${fds[@]:2}"); fi
if ((${#fds[@]} == 0)); then
  echo "C ABI open descriptors: no sample taken" >&2; status=1
else
  sorted=$(printf '%s\n' "${fds[@]}" | sort -n)
  lo=$(head -1 <<<"$sorted") hi=$(tail -1 <<<"$sorted")
  echo "C ABI open descriptors after warm-up (${#fds[@]} samples): min $lo, max $hi"
  ((hi - lo <= 4)) || { echo "descriptors grew" >&2; status=1; }
fi

echo "== gRPC soak: $calls FaceVerify calls" >&2
stubs=$(mktemp -d)
/usr/bin/python3 -m grpc_tools.protoc -I src/FaceNative.Grpc/Protos --python_out="$stubs" \
  --grpc_python_out="$stubs" src/FaceNative.Grpc/Protos/backend.proto
PYTHONPATH=$stubs /usr/bin/python3 soak/soak_grpc.py dist/bin/facenative-grpc "$models" \
  "$photo_a" "$photo_b" "$calls" 2 || status=1
rm -rf "$stubs"

exit $status
