#!/usr/bin/env bash
# Interrupts a multi-revision import at random moments and checks that it is
# all or nothing (issue 11, docs/RELIABILITY.md):
#   scripts/import_kill_check.sh [ITERATIONS] [SIZE] [REVISIONS]
# defaults 50, s100k (100k nodes, ~500k edges in the first revision), 5.
# Each round starts `critgraph import` of the REVISIONS-revision synthetic
# file, sends SIGINT or SIGKILL (alternately) after a random delay within one
# measured import time, then checks: HEAD is the old head or old + REVISIONS,
# never between; `critgraph verify` passes; $TMPDIR holds nothing; an
# interrupted SIGINT run exited 130 with "interrupted: nothing imported".
# Every round starts from the same database (the bundled dataset); a final
# run imports the file once more and must succeed.
# Needs the built tree (BUILD_DIR, default build): tools/critgraph and
# bench/critgraph_gen.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ITERATIONS=${1:-50}
SIZE=${2:-s100k}
REVISIONS=${3:-5}
CLI=$PWD/$BUILD_DIR/tools/critgraph
GEN=$PWD/$BUILD_DIR/bench/critgraph_gen

work=$(mktemp -d "${TMPDIR:-/tmp}/critgraph-killcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
file=$work/import.jsonl
db=$work/db
"$GEN" --size "$SIZE" --revisions "$REVISIONS" --out "$file" >/dev/null
echo "file: $(wc -l <"$file") lines, $(du -h "$file" | cut -f1)"

head_of() { "$CLI" --db "$db" log --json | python3 -c \
  'import json,sys; revs=json.load(sys.stdin); revs=revs.get("revisions",revs) if isinstance(revs,dict) else revs; print(max([r["revision"] for r in revs] or [0]))'; }

# Every round imports into the same starting database: the bundled dataset
# (12 revisions), restored from a pristine copy after an import completed.
pristine=$work/pristine
"$CLI" --db "$pristine" import data/critgraph-dataset.jsonl >/dev/null
cp -r "$pristine" "$db"
t0=$(date +%s.%N)
"$CLI" --db "$db" import "$file" >/dev/null 2>&1
t1=$(date +%s.%N)
full_ms=$(python3 -c "print(int(($t1-$t0)*1000))")
echo "one full import: ${full_ms} ms"
rm -rf "$db"
cp -r "$pristine" "$db"

fail=0 sigint=0 sigkill=0 old_kept=0 new_seen=0
for ((i = 0; i < ITERATIONS; i++)); do
  old=$(head_of)
  delay=$(python3 -c "import random; print(random.randint(0, $full_ms) / 1000)")
  "$CLI" --db "$db" import "$file" >"$work/out" 2>"$work/err" &
  pid=$!
  sleep "$delay"
  if ((i % 2 == 0)); then sig=INT; else sig=KILL; fi
  kill -s "$sig" "$pid" 2>/dev/null || true
  set +e
  wait "$pid"
  rc=$?
  set -e
  new=$(head_of)
  if [[ $new != "$old" && $new != $((old + REVISIONS)) ]]; then
    echo "round $i: HEAD $new after $sig, expected $old or $((old + REVISIONS))"
    fail=1
  fi
  [[ $new == "$old" ]] && old_kept=$((old_kept + 1)) || new_seen=$((new_seen + 1))
  if [[ $sig == INT && $rc == 130 ]]; then
    sigint=$((sigint + 1))
    if ! grep -q "interrupted: nothing imported" "$work/err" || [[ $new != "$old" ]]; then
      echo "round $i: exit 130 without the message or with HEAD moved"
      fail=1
    fi
  fi
  [[ $sig == KILL && $rc == 137 ]] && sigkill=$((sigkill + 1))
  if ! "$CLI" --db "$db" verify >"$work/verify" 2>&1; then
    echo "round $i: verify failed:"; cat "$work/verify"; fail=1
  fi
  if [[ -n $(ls -A "$TMPDIR") ]]; then
    echo "round $i: scratch data left in TMPDIR: $(ls -A "$TMPDIR")"; fail=1
  fi
  if [[ $new != "$old" ]]; then
    rm -rf "$db"
    cp -r "$pristine" "$db"
  fi
done
old=$(head_of)
"$CLI" --db "$db" import "$file" >/dev/null 2>&1 || { echo "final import failed"; fail=1; }
[[ $(head_of) == $((old + REVISIONS)) ]] || { echo "final import: wrong HEAD"; fail=1; }
echo "rounds: $ITERATIONS; interrupted by SIGINT (exit 130): $sigint; killed: $sigkill;" \
  "HEAD unchanged: $old_kept; import completed before the signal: $new_seen;" \
  "final import ok: $([[ $fail == 0 ]] && echo yes || echo no)"
exit $fail
