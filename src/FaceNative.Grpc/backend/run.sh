#!/bin/sh
# LocalAI starts an external backend as: run.sh --addr HOST:PORT (plus LOCALAI_GRPC_AUTH_TOKEN
# in the environment when auth is on). The server binary sits either beside this script (a
# self-contained backend folder) or in ../bin (the dist/ layout build.sh produces).
set -e
DIR=$(cd "$(dirname "$0")" && pwd)
for BIN in "$DIR/facenative-grpc" "$DIR/../bin/facenative-grpc"; do
  if [ -x "$BIN" ]; then exec "$BIN" "$@"; fi
done
echo "run.sh: facenative-grpc not found in $DIR or $DIR/../bin (run ./build.sh)" >&2
exit 127
