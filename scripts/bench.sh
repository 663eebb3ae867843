#!/usr/bin/env bash
# Runs the whole benchmark comparison (critgraph vs SQLite vs raw RocksDB) on
# one synthetic dataset size and writes docs/PERFORMANCE.md and docs/perf/*.png.
#
#   scripts/bench.sh [SIZE] [all|proc]  (SIZE: tiny|small|s100k|medium|large,
#                                        default small; default all)
#
# `all` runs the Google Benchmark suites and then the whole-process suite
# (scripts/bench_proc.py: the critgraph CLI against the sqlite3 shell, each
# operation a separate process) and regenerates docs/PERFORMANCE.md.
# `proc` runs only the whole-process suite and writes its table to
# $BUILD_DIR/bench-results/<size>/proc.md; docs/PERFORMANCE.md is left alone.
#
# Environment:
#   BUILD_DIR  build directory (default build-bench; datasets are cached in
#              $BUILD_DIR/bench-data, keyed by size and seed)
#   JOBS       build parallelism (default 2)
#   SEED       generator seed (default 42)
#   PROFILE=0  skip the callgrind profiles
#   PROC=0     skip the whole-process suite in `all`
#   PROC_ARGS  extra arguments for scripts/bench_proc.py, e.g.
#              PROC_ARGS="--runs 3 --import-runs 1" (see its --help)
#   REPORT_ONLY=1  only regenerate the report from existing JSON results
# Results: $BUILD_DIR/bench-results/<size>/*.json, plus profiles and logs.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-small}
WHAT=${2:-all}
usage() {
  echo "usage: scripts/bench.sh [tiny|small|s100k|medium|large] [all|proc]" >&2
  exit 2
}
case "$SIZE" in tiny | small | s100k | medium | large) ;; -h | --help) sed -n '2,24p' "$0" >&2; exit 0 ;; *) usage ;; esac
case "$WHAT" in all | proc) ;; *) usage ;; esac
BUILD_DIR=${BUILD_DIR:-build-bench}
JOBS=${JOBS:-2}
OUT="$BUILD_DIR/bench-results/$SIZE"
BIN="$BUILD_DIR/bench"
export CRITGRAPH_BENCH_SIZE="$SIZE"
export CRITGRAPH_BENCH_SEED="${SEED:-42}"
export CRITGRAPH_BENCH_DATA="$PWD/$BUILD_DIR/bench-data"

install_missing() {
  local missing=()
  for p in cmake g++ pkg-config librocksdb-dev libflatbuffers-dev \
    flatbuffers-compiler libabsl-dev libxxhash-dev libgtest-dev libgmock-dev \
    libbenchmark-dev libsimdjson-dev libsqlite3-dev python3-matplotlib \
    valgrind time sqlite3; do
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

# Debian's python3 has python3-matplotlib (a pyenv python3 on PATH may not).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

report() {
  "$PY" scripts/bench_report.py --results "$OUT" --out docs/PERFORMANCE.md \
    --plots docs/perf
}

# The whole-process suite: critgraph CLI vs sqlite3 shell (proc.json).
proc() {
  # shellcheck disable=SC2086 # PROC_ARGS is a list of words
  "$PY" scripts/bench_proc.py --size "$SIZE" --seed "$CRITGRAPH_BENCH_SEED" \
    --build-dir "$BUILD_DIR" --out "$OUT/proc.json" ${PROC_ARGS:-} 2>&1 |
    tee "$OUT/proc.log"
}

if [ "${REPORT_ONLY:-0}" = 1 ]; then
  report
  exit 0
fi

install_missing
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DCRITGRAPH_BUILD_BENCHMARKS=ON >/dev/null
mkdir -p "$OUT"
if [ "$WHAT" = proc ]; then
  cmake --build "$BUILD_DIR" -j "$JOBS" --target critgraph_cli critgraph_gen
  proc
  "$PY" scripts/bench_report.py --proc-only --results "$OUT" --out "$OUT/proc.md"
  cat "$OUT/proc.md"
  exit 0
fi
cmake --build "$BUILD_DIR" -j "$JOBS" --target critgraph_cli critgraph_gen \
  bench_smoke import_benchmark query_benchmark diff_benchmark

# The machine.
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- storage engine include 2>/dev/null || echo ' (storage/engine/include modified in work tree)')"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  free -h | head -n 2
  echo "kernel: $(uname -r)"
  echo "loadavg at start: $(cat /proc/loadavg)"
} >"$OUT/machine.txt"

# 1. Agreement: critgraph, SQLite and the raw scan give the same answers.
"$BIN/bench_smoke" 2>&1 | tee "$OUT/smoke.log"

# 2. Bulk import in a fresh process: rate and peak RSS (/usr/bin/time -v).
rm -rf "$CRITGRAPH_BENCH_DATA/scratch-gen"
/usr/bin/time -v "$BIN/critgraph_gen" --size "$SIZE" --seed "$CRITGRAPH_BENCH_SEED" \
  --db "$CRITGRAPH_BENCH_DATA/scratch-gen" >"$OUT/import_api.json" 2>"$OUT/import_api.time"
rm -rf "$CRITGRAPH_BENCH_DATA/scratch-gen"

# 3. The suites (the query and diff suites build and cache the datasets on
#    first use; that build is not timed).
for suite in query diff import; do
  echo "== $suite" >&2
  "$BIN/${suite}_benchmark" --benchmark_out="$OUT/$suite.json" \
    --benchmark_out_format=json 2>&1 | tee "$OUT/$suite.log"
done
rm -rf "$CRITGRAPH_BENCH_DATA"/scratch-*

# 4. Profiles (callgrind; perf has no hardware counters on this VM) on the
#    small size: what bounds critgraph's import, reach and export.
if [ "${PROFILE:-1}" = 1 ] && command -v valgrind >/dev/null; then
  prof() { # name, command...
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$name" "$@" \
      >/dev/null 2>"$OUT/callgrind.$name.log" || true
    callgrind_annotate --inclusive=no "$OUT/callgrind.$name" 2>/dev/null |
      head -n 40 >"$OUT/profile_$name.txt" || true
    callgrind_annotate --inclusive=yes "$OUT/callgrind.$name" 2>/dev/null |
      head -n 60 >"$OUT/profile_${name}_inclusive.txt" || true
  }
  rm -rf /tmp/critgraph-prof-import
  prof import "$BIN/critgraph_gen" --size tiny --db /tmp/critgraph-prof-import
  rm -rf /tmp/critgraph-prof-import
  CRITGRAPH_BENCH_SIZE=small prof reach "$BIN/query_benchmark" \
    --benchmark_filter='BM_Reach/critgraph/head' --benchmark_min_time=0.01
  CRITGRAPH_BENCH_SIZE=small prof export "$BIN/query_benchmark" \
    --benchmark_filter='BM_Export/critgraph' --benchmark_min_time=0.01
fi
# 5. Whole-process suite: the critgraph CLI against the sqlite3 shell.
[ "${PROC:-1}" = 0 ] || proc
echo "loadavg at end: $(cat /proc/loadavg)" >>"$OUT/machine.txt"

report
echo "wrote docs/PERFORMANCE.md and docs/perf/*.png from $OUT" >&2
