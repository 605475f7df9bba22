#!/usr/bin/env bash
# Bounded fuzzing run with AFL++ (Debian) and SharpFuzz:
#   fuzz/run.sh [SECONDS=120] [TARGET=decode|pack|request|load]
# Instruments FaceNative.Core.dll, seeds AFL with small generated images (or pack text),
# runs afl-fuzz for SECONDS, prints executions and findings. Findings stay under
# fuzz/out/TARGET/default/crashes and hangs; replay them with
#   dotnet run --project fuzz/FaceNative.Fuzz -c Release -- replay TARGET FILE...
# (not with fuzz/bin, whose instrumented Core only runs under afl-fuzz)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
target=${2:-decode}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v afl-fuzz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }
# dotnet-tools.json (committed) pins SharpFuzz.CommandLine.
dotnet tool restore >/dev/null

rm -rf bin && dotnet publish FaceNative.Fuzz -c Release -o bin --nologo -v quiet

# Seeds: tiny valid files of each format the header parser knows, and a pack.
seeds=in/$target && rm -rf "$seeds" && mkdir -p "$seeds"
if [ "$target" = pack ]; then
  cp ../src/FaceNative.Core/Packs/default.pack "$seeds/"
elif [ "$target" = request ] || [ "$target" = load ]; then
  # Serialised protobuf seeds written by the harness itself.
  dotnet bin/FaceNative.Fuzz.dll seed "$target" "$seeds"
else
  /usr/bin/python3 - "$seeds" <<'PY'
import io, sys
from PIL import Image
img = Image.new("RGB", (8, 6), (200, 120, 40))
for fmt, ext in [("PNG", "png"), ("JPEG", "jpg"), ("BMP", "bmp"), ("WEBP", "webp")]:
    img.save(f"{sys.argv[1]}/seed.{ext}", fmt)
Image.new("L", (5, 3), 9).save(f"{sys.argv[1]}/gray.png")
PY
fi

# Instrument only after the seeds are written: instrumented code runs only under afl-fuzz.
dotnet tool run sharpfuzz bin/FaceNative.Core.dll
dotnet tool run sharpfuzz bin/facenative-grpc.dll

rm -rf "out/$target" && mkdir -p out
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
timeout $((seconds + 60)) afl-fuzz -V "$seconds" -i "$seeds" -o "out/$target" -t 5000 -m none \
  -- dotnet bin/FaceNative.Fuzz.dll "$target" > "out-$target.log" 2>&1 || true

stats=out/$target/default/fuzzer_stats
[ -f "$stats" ] || { echo "afl-fuzz produced no stats; see fuzz/out-$target.log" >&2; tail -20 "out-$target.log" >&2; exit 1; }
execs=$(awk -F': *' '/^execs_done/ {print $2}' "$stats")
crashes=$(ls "out/$target/default/crashes" 2>/dev/null | grep -vc README || true)
hangs=$(ls "out/$target/default/hangs" 2>/dev/null | grep -vc README || true)
echo "fuzz $target: ${seconds}s, $execs executions, $crashes crashes, $hangs hangs"
[ "$crashes" -eq 0 ]
