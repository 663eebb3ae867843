#!/usr/bin/env bash
# One entry point for the README's Quick start and for CI.
#   scripts/dev.sh demo   install missing packages, build, run `critgraph demo`
#   scripts/dev.sh test   install missing packages, build, run the whole ctest suite
#   scripts/dev.sh sanitize  the suite under ASan+UBSan (clang, warnings as
#                            errors), the concurrency tests under TSan
#   scripts/dev.sh fuzz [SECONDS]  build the libFuzzer targets with clang and run each
# Environment: BUILD_DIR (default build), JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake g++ make pkg-config python3 clang libclang-rt-14-dev
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler libabsl-dev
  libxxhash-dev libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev
  libsqlite3-dev python3-dev pybind11-dev python3-pybind11 python3-pytest
  python3-dask python3-distributed python3-pandas
  libgraphviz-dev chromium fonts-noto-cjk)

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

JOBS=${JOBS:-$(nproc)}

build() {
  BUILD_DIR=${BUILD_DIR:-build}
  # Debian's interpreter is the one its pybind11 and pytest packages serve,
  # whatever python3 comes first on PATH.
  local py=()
  [ -x /usr/bin/python3 ] && py=(-DPython3_EXECUTABLE=/usr/bin/python3)
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${py[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

sanitize() {
  # clang, with every warning an error (-Wall -Wextra -Wthread-safety, see
  # CMakeLists.txt): the library, the CLI and the tests must build clean.
  local san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCRITGRAPH_WERROR=ON \
    -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" \
    -DCRITGRAPH_BUILD_BENCHMARKS=OFF -DCRITGRAPH_BUILD_PYTHON=OFF >/dev/null
  cmake --build build-asan -j "$JOBS"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS=suppressions="$PWD/../tests/lsan.supp" \
    ctest --output-on-failure -j "$JOBS" -E install_consumer)
  local tsan="-fsanitize=thread -fno-omit-frame-pointer"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$tsan" -DCMAKE_EXE_LINKER_FLAGS="$tsan" \
    -DCRITGRAPH_BUILD_BENCHMARKS=OFF -DCRITGRAPH_BUILD_PYTHON=OFF -DCRITGRAPH_BUILD_TOOLS=OFF >/dev/null
  cmake --build build-tsan -j "$JOBS" --target concurrency_test \
    traversal_test adjacency_test import_test read_path_test bulk_ingest_test \
    follower_test backup_test
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
  build-tsan/tests/concurrency_test
  build-tsan/tests/traversal_test --gtest_filter='*ReachMany*:*Snapshot*'
  build-tsan/tests/adjacency_test
  # The import's read-ahead thread, the threads building a chunk's SST
  # files, the shared id cache and iterator pools.
  build-tsan/tests/import_test --gtest_filter='*ReadAhead*'
  build-tsan/tests/bulk_ingest_test --gtest_filter='BulkIngest.*'
  build-tsan/tests/read_path_test
  # A follower refreshing while this process writes and reads it; backups
  # taken while a writer thread commits.
  build-tsan/tests/follower_test --gtest_filter='Follower.*:-*Killed*'
  build-tsan/tests/backup_test
}

fuzz() {
  local seconds=${1:-30}
  local flags="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer"
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCRITGRAPH_LIBFUZZER=ON -DCRITGRAPH_BUILD_BENCHMARKS=OFF -DCRITGRAPH_BUILD_PYTHON=OFF \
    -DCRITGRAPH_BUILD_TOOLS=OFF >/dev/null
  local targets=()
  for f in tests/fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" .cc)"); done
  cmake --build build-fuzz -j "$JOBS" --target "${targets[@]}"
  for t in "${targets[@]}"; do
    local name=${t%_fuzzer}
    # New inputs go to a scratch corpus; crashes are written to build-fuzz/
    # and belong in tests/fuzz/corpus/$name once fixed.
    mkdir -p "build-fuzz/corpus/$name"
    echo "== $t: ${seconds}s" >&2
    "build-fuzz/tests/$t" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="build-fuzz/$name-" "build-fuzz/corpus/$name" \
      "tests/fuzz/corpus/$name" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|Done" >&2
  done
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
  sanitize)
    install_missing
    sanitize
    ;;
  fuzz)
    install_missing
    shift
    fuzz "$@"
    ;;
  *)
    echo "usage: scripts/dev.sh demo|test|sanitize|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
