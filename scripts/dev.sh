#!/usr/bin/env bash
# One entry point for the README's Quick start and for CI.
#   scripts/dev.sh demo   install missing packages, build, run `critgraph demo`
#   scripts/dev.sh test   install missing packages, build, run the whole ctest suite
# Environment: BUILD_DIR (default build), JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake g++ make pkg-config python3
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler libabsl-dev
  libxxhash-dev libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev
  libsqlite3-dev)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

build() {
  BUILD_DIR=${BUILD_DIR:-build}
  JOBS=${JOBS:-$(nproc)}
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

case "${1:-}" in
  demo)
    install_missing
    build
    shift
    exec "$BUILD_DIR/tools/critgraph" demo "$@"
    ;;
  test)
    install_missing
    build
    cd "$BUILD_DIR"
    exec ctest --output-on-failure -j "$JOBS"
    ;;
  *)
    echo "usage: scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
