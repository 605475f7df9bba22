#!/usr/bin/env bash
# FaceNative build driver.
#   ./build.sh            install what a fresh Debian machine lacks, build, publish into dist/
#   ./build.sh test       the above, then every test suite; ends with "N passed, N failed"
#   ./build.sh deps       only the apt packages
#   ./build.sh soak [N]   after a build: N (20000) verify calls via the C ABI and gRPC, memory curve
#   ./build.sh fuzz [S] [T]  S seconds (120) of AFL++ on target T (decode|pack|request|load)
# Models are looked up in $FACENATIVE_MODELS (default here: ../shared/models beside the repo).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export FACENATIVE_MODELS=${FACENATIVE_MODELS:-$ROOT/../shared/models}

APT_PACKAGES=(
  libgtk-3-0            # libOpenCvSharpExtern.so links GTK
  gcc libc6-dev zlib1g-dev  # NativeAOT links with gcc; the C tests compile with it
  golang-go             # Go binding
  python3 python3-numpy python3-pytest  # Python binding tests (Debian's /usr/bin/python3)
  python3-pil           # Core tests make a CMYK JPEG with it (OpenCV can't write one)
  python3-grpcio python3-grpc-tools     # gRPC cross-language check
  g++ python3-setuptools python3-pip python3-venv  # C ABI: header as C++, offline pip install
)

install_deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    local sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The .NET SDK is not a Debian package: say how to get it rather than fail inside publish.
require_dotnet() {
  if ! command -v dotnet >/dev/null; then
    echo "build.sh: 'dotnet' (the .NET 10 SDK) is not on PATH. Debian does not package it:" \
      "install it from Microsoft's package repository or with dotnet-install.sh, then rerun." >&2
    exit 1
  fi
}

publish() {
  echo "publishing dist/bin/facenative (NativeAOT)" >&2
  dotnet publish src/FaceNative.Cli -c Release -r linux-x64 -p:PublishAot=true -o dist/bin --nologo -v quiet
  rm -f dist/bin/*.dbg dist/bin/*.pdb
}

# --- gRPC server (issue 4): LocalAI backend -------------------------------------------------
# dist/bin/facenative-grpc (NativeAOT, shares dist/bin's native libraries) and
# dist/backend/run.sh, the entry point LocalAI runs as "run.sh --addr HOST:PORT".
publish_grpc() {
  echo "publishing dist/bin/facenative-grpc (NativeAOT) and dist/backend/run.sh" >&2
  dotnet publish src/FaceNative.Grpc -c Release -r linux-x64 -p:PublishAot=true -o dist/bin --nologo -v quiet
  rm -f dist/bin/*.dbg dist/bin/*.pdb
  install -D -m 755 src/FaceNative.Grpc/backend/run.sh dist/backend/run.sh
}
# --- end gRPC server ------------------------------------------------------------------------

# --- C ABI (issue 3): libfacenative.so -----------------------------------------------------
# dist/lib/libfacenative.so with the native libraries it loads beside it (it has RUNPATH
# $ORIGIN), and its header in dist/include.
publish_lib() {
  echo "publishing dist/lib/libfacenative.so (NativeAOT)" >&2
  dotnet publish src/FaceNative.Exports -c Release -o dist/lib --nologo -v quiet
  rm -f dist/lib/*.dbg dist/lib/*.pdb
  mkdir -p dist/include
  cp include/facenative.h dist/include/
}
# --- end C ABI -------------------------------------------------------------------------------

# dist/models: the models folder every dist binary looks in after $FACENATIVE_MODELS, made a
# link to the models found here (../shared/models beside a checkout), so that dist/bin/facenative
# works with no flag or variable. An existing real folder (fetched models) is left alone.
link_models() {
  if [ -d "$FACENATIVE_MODELS" ] && { [ -L dist/models ] || [ ! -e dist/models ]; }; then
    ln -sfn "$(cd "$FACENATIVE_MODELS" && pwd)" dist/models
  fi
}

case "${1:-all}" in
  deps) install_deps ;;
  all) install_deps; require_dotnet; publish; publish_grpc; publish_lib; link_models ;;
  test) install_deps; require_dotnet; publish; publish_grpc; publish_lib; link_models; exec "$ROOT/tests/run_all.sh" ;;
  soak) exec "$ROOT/soak/run.sh" "${2:-20000}" ;;
  fuzz) exec "$ROOT/fuzz/run.sh" "${2:-120}" "${3:-decode}" ;;
  *) echo "usage: $0 [all|deps|test|soak [CALLS]|fuzz [SECONDS] [TARGET]]" >&2; exit 1 ;;
esac
