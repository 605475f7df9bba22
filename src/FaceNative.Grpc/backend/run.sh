#!/bin/sh
# LocalAI starts an external backend as: run.sh --addr HOST:PORT (plus LOCALAI_GRPC_AUTH_TOKEN
# in the environment when auth is on). The server binary sits either beside this script (a
# self-contained backend folder) or in ../bin (the dist/ layout build.sh produces).
set -e

# Each thread that decodes a large photo otherwise keeps its own glibc malloc arena; two arenas
# cut peak RSS under 8 concurrent FaceVerify clients from ~530 to ~375 MiB at the same speed.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
DIR=$(cd "$(dirname "$0")" && pwd)
for BIN in "$DIR/facenative-grpc" "$DIR/../bin/facenative-grpc"; do
  if [ -x "$BIN" ]; then exec "$BIN" "$@"; fi
done
echo "run.sh: facenative-grpc not found in $DIR or $DIR/../bin (run ./build.sh)" >&2
exit 127
