#!/usr/bin/env python3
"""Whole-process benchmarks: the `critgraph` CLI against the `sqlite3` shell.

Every operation is a separate process, timed from spawn to exit (open, work,
close), as a user runs it:

  import JSONL  critgraph import STREAM.jsonl      sqlite3 .import of the same
                (every revision)                   history as versioned CSV
                                                   rows + CREATE INDEX
  import CSV    critgraph import DIR --format csv  sqlite3 .import of the same
                (HEAD snapshot)                    two CSV files + CREATE INDEX
  open          critgraph log --json               SELECT count(*) FROM
                                                   sqlite_schema
  stats         critgraph stats --json             GROUP BY kind / type, as of
                                                   HEAD
  show          critgraph show KEY --json          the node row, its out- and
                (at HEAD and at revision 1)        in-edges, as of the same
  reach         critgraph reach KEY --json         recursive CTE over the
                                                   versioned edge table
  diff          critgraph diff HEAD~1 HEAD         EXCEPT of two as-of views,
                --format json                      both ways, nodes and edges
  export        critgraph export --format csv      sqlite3 -csv SELECT ... ORDER
                                                   BY key, nodes and edges
  process start critgraph --help                   sqlite3 :memory: 'SELECT 1'
                (the floor: no database)

The CLI does not report its open time: the whole `log` and `stats`
processes bound it from above, and the process-start row is the floor.

The data: `critgraph_gen --size SIZE --out` writes the synthetic change
stream (JSONL); this script converts it, streaming, into the versioned rows
of bench/sqlite_baseline.cc (nodes(key, kind, props, valid_from, valid_to),
edges(src, type, dst, props, valid_from, valid_to); props is the JSON of the
names and properties). Both are cached in DATA_DIR. The conversion keeps in
memory only the keys changed after revision 1 (about 1,000 per revision),
so it works at every size.

Before a ratio is reported, the answers of both tools are compared (counts,
key sets); a disagreement stops the run with exit 1. Read-only commands run
on the database the CLI has just imported: the first run is reported on its
own ("first"), then --runs more runs give min / median / max ("warm").

Results: JSON in $BUILD_DIR/bench-results/SIZE/proc.json (--out), rendered
by scripts/bench_report.py into docs/PERFORMANCE.md.

  scripts/bench_proc.py --size s100k
  scripts/bench_proc.py --size tiny --check-only    # CI: answers only
"""
import argparse
import bisect
import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

SCRATCH = None  # set by main(): databases, scripts and outputs of one run
FOREVER = 9223372036854775807  # INT64_MAX, bench/harness.h kForever
SIZES = ("tiny", "small", "s100k", "medium", "large")
# Imports are the slow part at the big sizes: fewer runs there (said in the
# JSON and the report).
DEFAULT_IMPORT_RUNS = {"tiny": 5, "small": 5, "s100k": 5, "medium": 3,
                       "large": 1}
# The sqlite3 page cache, the size of critgraph's default block cache
# (256 MiB), as in bench/sqlite_baseline.cc.
SQLITE_PRAGMAS = "PRAGMA cache_size=-262144;\n"


class Disagreement(Exception):
    """The two tools gave different answers: no ratio is reported."""


def log(msg):
    print(f"bench_proc: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data ----

def generate_stream(gen, size, seed, path):
    """critgraph_gen's stream, cached; made again if the generator is newer."""
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(gen):
        return
    log(f"generating {path}")
    tmp = path + ".tmp"
    subprocess.run([gen, "--size", size, "--seed", str(seed), "--out", tmp],
                   check=True, stdout=subprocess.DEVNULL)
    os.replace(tmp, path)


def edge_id(op):
    return (op["from"], op["type"], op["to"])


def convert_stream(stream, out_dir):
    """Writes out_dir/nodes.csv and out_dir/edges.csv: the versioned rows of
    the change stream, each with valid_from (the revision that wrote it) and
    valid_to (the revision that next changed or deleted it, else FOREVER).

    Two streaming passes. The first records, for every key changed after
    revision 1, the line numbers and revisions that touch it (memory: the
    history's changes, not the graph). The second writes one row per upsert.
    Assumes, as critgraph_gen guarantees, that revision 1 touches each key
    once and that a node's edges are deleted explicitly before it (the
    converter does not cascade del_node); the stats check after the imports
    (HEAD counts of both tools) catches any stream that breaks this."""
    meta_path = os.path.join(out_dir, "meta.json")
    if (os.path.exists(meta_path)
            and os.path.getmtime(meta_path) >= os.path.getmtime(stream)):
        with open(meta_path) as f:
            return json.load(f)
    log(f"converting {stream} to versioned CSV rows in {out_dir}")
    os.makedirs(out_dir, exist_ok=True)
    touches = {}  # key -> ([line numbers], [revisions]), changes after r1
    rev = 1
    with open(stream, encoding="utf-8") as f:
        for lineno, line in enumerate(f):
            if line.startswith('{"op":"commit"'):
                rev += 1
                continue
            if rev == 1 or not line.strip():
                continue
            op = json.loads(line)
            kind = op["op"]
            if kind in ("node", "del_node"):
                key = ("n", op["key"])
            elif kind in ("edge", "del_edge"):
                key = ("e",) + edge_id(op)
            else:
                continue  # register: no rows
            lines, revs = touches.setdefault(key, ([], []))
            lines.append(lineno)
            revs.append(rev)

    def valid_to(key, lineno):
        t = touches.get(key)
        if t is None:
            return FOREVER
        i = bisect.bisect_right(t[0], lineno)
        return t[1][i] if i < len(t[0]) else FOREVER

    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")).encode
    rows = {"nodes": 0, "edges": 0}
    head = {"nodes": 0, "edges": 0}
    rev = 1
    with open(stream, encoding="utf-8") as f, \
            open(os.path.join(out_dir, "nodes.csv.tmp"), "w", newline="",
                 encoding="utf-8") as nf, \
            open(os.path.join(out_dir, "edges.csv.tmp"), "w", newline="",
                 encoding="utf-8") as ef:
        nw, ew = csv.writer(nf), csv.writer(ef)
        nw.writerow(["key", "kind", "props", "valid_from", "valid_to"])
        ew.writerow(["src", "type", "dst", "props", "valid_from", "valid_to"])
        for lineno, line in enumerate(f):
            if line.startswith('{"op":"commit"'):
                rev += 1
                continue
            if not line.strip():
                continue
            op = json.loads(line)
            if op["op"] == "node":
                to = valid_to(("n", op["key"]), lineno)
                if to == rev:
                    continue  # replaced within its own revision: never seen
                nw.writerow([op["key"], op["kind"],
                             dumps({"names": op.get("names", {}),
                                    "props": op.get("props", {})}), rev, to])
                rows["nodes"] += 1
                head["nodes"] += to == FOREVER
            elif op["op"] == "edge":
                eid = edge_id(op)
                to = valid_to(("e",) + eid, lineno)
                if to == rev:
                    continue
                ew.writerow([*eid, dumps(op.get("props", {})), rev, to])
                rows["edges"] += 1
                head["edges"] += to == FOREVER
    # A stream ending with ops after its last commit line makes one more
    # revision on import; critgraph_gen's streams end with a commit.
    meta = {"revisions": rev - 1, "rows": rows, "head": head,
            "history_keys": len(touches)}
    for name in ("nodes", "edges"):
        os.replace(os.path.join(out_dir, f"{name}.csv.tmp"),
                   os.path.join(out_dir, f"{name}.csv"))
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    return meta


# -------------------------------------------------------------- timing ----

TIME = "/usr/bin/time"


def run(cmd, stdout=None, stdin=None, cwd=None, rss=False):
    """Runs cmd as one process; returns (wall s, cpu s, max RSS KiB, rc).

    The RSS from wait4 counts the memory of the forked Python parent before
    exec (Linux carries the old hiwater mark over exec), so it is only an
    upper bound. With rss=True (the imports) the command runs under
    /usr/bin/time -f %M, a small parent, and its figure is used instead; the
    extra exec costs about a millisecond of a multi-second import."""
    rss_file = os.path.join(SCRATCH, "rss.txt")
    if rss and os.access(TIME, os.X_OK):
        cmd = [TIME, "-f", "%M", "-o", rss_file] + cmd
    else:
        rss = False
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    err = open(os.path.join(SCRATCH, "stderr.txt"), "wb")
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for fh in (out, inp):
            if fh is not subprocess.DEVNULL:
                fh.close()
        err.close()
    if p.returncode != 0:
        with open(os.path.join(SCRATCH, "stderr.txt"), errors="replace") as f:
            msg = f.read()[-2000:]
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}\n{msg}")
    maxrss = ru.ru_maxrss
    if rss:
        with open(rss_file) as f:
            maxrss = int(f.read().split()[-1])
    return wall, ru.ru_utime + ru.ru_stime, maxrss, p.returncode


def summary(samples):
    walls = [s[0] for s in samples]
    return {"runs": len(samples), "wall": walls,
            "cpu": [s[1] for s in samples],
            "maxrss_kib": [s[2] for s in samples],
            "min": min(walls), "median": statistics.median(walls),
            "max": max(walls),
            "cpu_median": statistics.median(s[1] for s in samples)}


def sqlite_script(name, text):
    path = os.path.join(SCRATCH, name + ".sql")
    with open(path, "w", encoding="utf-8") as f:
        f.write(SQLITE_PRAGMAS + text)
    return path


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_rows(path, sep="|"):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split(sep) for line in f if line.strip()]


class KeySet:
    """An order-independent digest of a set of keys: count and sum of 64-bit
    hashes. Equal sets give equal digests; unequal ones differ but with
    probability ~2^-64. Constant memory, so a 10M-node reach can be compared."""

    def __init__(self, keys=()):
        self.count, self.sum = 0, 0
        for k in keys:
            self.add(k)

    def add(self, key):
        h = hashlib.blake2b(key.encode(), digest_size=8).digest()
        self.count += 1
        self.sum = (self.sum + int.from_bytes(h, "little")) % (1 << 64)

    def __eq__(self, other):
        return (self.count, self.sum) == (other.count, other.sum)

    def __repr__(self):
        return f"{self.count:,} keys (hash sum {self.sum:016x})"


# key and depth; name and parent (issue 13) follow and are skipped.
REACH_NODE = re.compile(r'\{"key":("(?:[^"\\]|\\.)*"),"depth":\d+'
                        r'(?:,"name":(?:null|"(?:[^"\\]|\\.)*"),'
                        r'"parent":(?:null|"(?:[^"\\]|\\.)*"))?\}')


def reach_json_keys(path):
    """The keys of `critgraph reach --json` output, streamed in 1 MiB chunks
    (the document is one line; at the large size it holds ~10M nodes)."""
    buf = ""
    with open(path, encoding="utf-8") as f:
        while True:
            chunk = f.read(1 << 20)
            buf += chunk
            last = 0
            for m in REACH_NODE.finditer(buf):
                if chunk and m.end() > len(buf) - 65536:
                    break  # may be cut at the chunk's end: wait for more
                yield json.loads(m.group(1))
                last = m.end()
            buf = buf[last:]
            if not chunk:
                return


def csv_rows(path):
    """Data rows of a CSV file (RFC 4180; quoted newlines allowed)."""
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


# ---------------------------------------------------------------- main ----

def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="small", choices=SIZES)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEED", 42)))
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build-bench"),
                    help="where the binaries are (tools/critgraph, "
                    "bench/critgraph_gen) and results go (default $BUILD_DIR "
                    "or build-bench)")
    ap.add_argument("--critgraph", help="the CLI (default BUILD_DIR/tools/critgraph)")
    ap.add_argument("--gen", help="the generator (default BUILD_DIR/bench/critgraph_gen)")
    ap.add_argument("--sqlite3", default=shutil.which("sqlite3") or "sqlite3")
    ap.add_argument("--data-dir", help="cached stream and CSV (default "
                    "BUILD_DIR/bench-data/proc-SIZE-sSEED)")
    ap.add_argument("--out", help="result JSON (default "
                    "BUILD_DIR/bench-results/SIZE/proc.json)")
    ap.add_argument("--runs", type=int, default=5,
                    help="warm runs of each read-only command (default 5)")
    ap.add_argument("--import-runs", type=int,
                    help="runs of each import (default 5; 3 at medium, 1 at large)")
    ap.add_argument("--check-only", action="store_true",
                    help="one run of everything, answers compared, no JSON "
                    "written (the CI smoke check)")
    args = ap.parse_args()

    B = args.build_dir
    crit = os.path.abspath(args.critgraph or os.path.join(B, "tools", "critgraph"))
    gen = os.path.abspath(args.gen or os.path.join(B, "bench", "critgraph_gen"))
    sq = args.sqlite3
    for exe in (crit, gen):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench_proc: {exe} missing: build the critgraph and "
                     "critgraph_gen targets")
    if shutil.which(sq) is None:
        sys.exit("bench_proc: no sqlite3 shell (apt-get install sqlite3)")
    data = os.path.abspath(args.data_dir or os.path.join(
        B, "bench-data", f"proc-{args.size}-s{args.seed}"))
    runs = 1 if args.check_only else args.runs
    import_runs = 1 if args.check_only else (
        args.import_runs or DEFAULT_IMPORT_RUNS[args.size])
    if runs < 1 or import_runs < 1:
        sys.exit("bench_proc: --runs and --import-runs must be at least 1")

    global SCRATCH
    SCRATCH = os.path.join(data, "scratch")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH)
    load_start = open("/proc/loadavg").read().strip()

    # 1. Data (cached, untimed).
    stream = os.path.join(data, "stream.jsonl")
    os.makedirs(data, exist_ok=True)
    generate_stream(gen, args.size, args.seed, stream)
    rowdir = os.path.join(data, "versioned")
    meta = convert_stream(stream, rowdir)
    H = meta["revisions"]
    log(f"{H} revisions; {meta['rows']['nodes']:,} node rows, "
        f"{meta['rows']['edges']:,} edge rows; HEAD {meta['head']['nodes']:,} "
        f"nodes, {meta['head']['edges']:,} edges")

    cdb = os.path.join(SCRATCH, "critgraph.db")
    sdb = os.path.join(SCRATCH, "sqlite.db")
    def out(name):
        return os.path.join(SCRATCH, name)
    ops = []

    def record(op_id, label, csum, ssum, target, met, check, **extra):
        ratio = ssum["median"] / csum["median"]
        ops.append({"id": op_id, "operation": label, "critgraph": csum,
                    "sqlite3": ssum, "ratio": ratio, "target": target,
                    "met": met(csum, ratio) if met else None,
                    "check": check, **extra})
        log(f"{label}: critgraph {csum['median']:.4f} s, sqlite3 "
            f"{ssum['median']:.4f} s, ratio {ratio:.2f}  [{check}]")

    def agree(what, a, b):
        if a != b:
            raise Disagreement(f"{what}: critgraph {a!r} != sqlite3 {b!r}")

    # 2. Imports, alternating the two tools; each into a fresh database.
    import_sql = sqlite_script("import", f"""\
CREATE TABLE nodes(key TEXT NOT NULL, kind TEXT NOT NULL, props TEXT NOT NULL,
  valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL);
CREATE TABLE edges(src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL,
  props TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL);
.import --csv --skip 1 {rowdir}/nodes.csv nodes
.import --csv --skip 1 {rowdir}/edges.csv edges
CREATE INDEX nodes_key ON nodes(key, valid_from);
CREATE INDEX edges_src ON edges(src, type, dst, valid_from);
CREATE INDEX edges_dst ON edges(dst, type, src, valid_from);
""")
    c_samples, s_samples = [], []
    for i in range(import_runs):
        shutil.rmtree(cdb, ignore_errors=True)
        c_samples.append(run([crit, "import", stream, "--db", cdb],
                             stdout=out("import.out"), rss=True))
        if os.path.exists(sdb):
            os.remove(sdb)
        s_samples.append(run([sq, "-bail", sdb], stdin=import_sql, rss=True))
        log(f"import JSONL run {i + 1}/{import_runs}: critgraph "
            f"{c_samples[-1][0]:.2f} s, sqlite3 {s_samples[-1][0]:.2f} s")
    import_msg = open(out("import.out")).read().strip()

    # 3. Read-only commands on the database the CLI just imported: the first
    #    run alone, then `runs` more. Each returns (critgraph, sqlite3)
    #    answers compared by `check`.
    def read_op(op_id, label, ccmd, ssql, check, target, met):
        spath = sqlite_script(op_id, ssql)
        c_first = run(ccmd, stdout=out(op_id + ".crit"))
        s_first = run([sq, "-bail", "-readonly", sdb], stdin=spath,
                      stdout=out(op_id + ".sqlite-out"))
        desc = check(out(op_id + ".crit"), out(op_id + ".sqlite-out"))
        cw, sw = [], []
        for _ in range(runs):
            cw.append(run(ccmd, stdout=out(op_id + ".crit")))
            sw.append(run([sq, "-bail", "-readonly", sdb], stdin=spath,
                          stdout=out(op_id + ".sqlite-out")))
        csum, ssum = summary(cw), summary(sw)
        csum["first"], ssum["first"] = c_first[0], s_first[0]
        record(op_id, label, csum, ssum, target, met, desc,
               critgraph_cmd=" ".join(ccmd[1:]).replace(cdb, "DB").replace(
                   SCRATCH + "/", ""),
               sqlite3_sql=ssql.strip().replace(SCRATCH + "/", ""))

    def asof(table, r=H):
        """The rows of `table` alive at revision r."""
        return f"{table}.valid_from <= {r} AND {table}.valid_to > {r}"

    def fast(c, ratio):
        """The open target: met if the first run after the import and the
        warm median are both under 50 ms."""
        return max(c["first"], c["median"]) < 0.050

    # open: the CLI cannot report its open time, so the whole command bounds it.
    def check_log(c, s):
        revs = read_json(c)
        agree("log: revisions", len(revs), H)
        return f"{len(revs)} revisions listed; sqlite3 schema objects: " \
            f"{open(s).read().strip()}"
    read_op("open_log", "open: `log --json` (whole process)",
            [crit, "log", "--json", "--db", cdb],
            "SELECT count(*) FROM sqlite_schema;\n", check_log,
            "< 50 ms", fast)

    def check_stats(c, s):
        st = read_json(c)
        got = {("node", k): n for k, n in st["nodes_by_kind"].items() if n}
        got.update({("edge", k): n for k, n in st["edges_by_type"].items() if n})
        want = {(r[0], r[1]): int(r[2]) for r in read_rows(s)}
        agree("stats at HEAD", got, want)
        agree("revision", st["revision"], H)
        return f"{st['nodes']:,} nodes, {st['edges']:,} edges by kind/type agree"
    read_op("stats", "stats at HEAD", [crit, "stats", "--json", "--db", cdb],
            f"SELECT 'node', kind, count(*) FROM nodes WHERE {asof('nodes')} "
            "GROUP BY kind;\n"
            f"SELECT 'edge', type, count(*) FROM edges WHERE {asof('edges')} "
            "GROUP BY type;\n", check_stats, "< 50 ms", fast)
    st = read_json(out("stats.crit"))
    agree("HEAD nodes (import vs converted rows)", st["nodes"], meta["head"]["nodes"])
    agree("HEAD edges (import vs converted rows)", st["edges"], meta["head"]["edges"])

    # The reach source: the smallest source key of an edge alive at both r1
    # and HEAD (untimed; a hub: the generator skews edges to low indices).
    key = subprocess.run(
        [sq, "-readonly", sdb,
         f"SELECT min(src) FROM edges WHERE {asof('edges')} AND src IN "
         f"(SELECT src FROM edges WHERE {asof('edges', 1)});"],
        check=True, capture_output=True, text=True).stdout.strip()
    q = sql_str(key)
    # show: a typical node, not the hub above: of the nodes alive at HEAD,
    # the one of median generator index (the key's last 9 digits) that is
    # also alive at r1.
    show_key = subprocess.run(
        [sq, "-readonly", sdb,
         f"SELECT key FROM nodes WHERE {asof('nodes')} AND key IN (SELECT key FROM "
         f"nodes WHERE {asof('nodes', 1)}) ORDER BY substr(key, -9) "
         f"LIMIT 1 OFFSET (SELECT count(*) / 2 FROM nodes WHERE {asof('nodes')});"],
        check=True, capture_output=True, text=True).stdout.strip()
    sk = sql_str(show_key)

    def show_op(r, label):
        def check_show(c, s):
            sh = read_json(c)
            rows = read_rows(s)
            agree(f"show at {r}: revision", sh["revision"], r)
            agree(f"show at {r}: node", sh["node"]["key"],
                  next(row[1] for row in rows if row[0] == "node"))
            agree(f"show at {r}: out-edges", len(sh["out"]),
                  sum(row[0] == "out" for row in rows))
            agree(f"show at {r}: in-edges", len(sh["in"]),
                  sum(row[0] == "in" for row in rows))
            return (f"{show_key}: {len(sh['out'])} out-, {len(sh['in'])} "
                    "in-edges agree")
        read_op(f"show_r{r}", f"show KEY at {label}",
                [crit, "show", show_key, "--at", str(r), "--json", "--db", cdb],
                f"SELECT 'node', key, kind, props FROM nodes WHERE key = {sk} "
                f"AND {asof('nodes', r)};\n"
                f"SELECT 'out', type, dst, props FROM edges WHERE src = {sk} "
                f"AND {asof('edges', r)};\n"
                f"SELECT 'in', src, type, props FROM edges WHERE dst = {sk} "
                f"AND {asof('edges', r)};\n", check_show, "report", None)
    show_op(H, "HEAD")
    show_op(1, "r1 (oldest)")

    def check_reach(c, s):
        got = KeySet(reach_json_keys(c))
        with open(s, encoding="utf-8") as f:
            want = KeySet(line.rstrip("\n") for line in f)
        agree("reach: nodes reached", got.count, want.count)
        agree("reach: node set", got, want)
        with open(c, encoding="utf-8") as f:
            agree("reach: revision", json.loads(f.read(64).split(',"nodes"')[0] + "}")
                  ["revision"], H)
        return f"{got.count:,} nodes reached, sets agree"
    read_op("reach", "reach KEY at HEAD (out, all types)",
            [crit, "reach", key, "--json", "--db", cdb],
            f"WITH RECURSIVE r(k) AS (SELECT {q} UNION SELECT e.dst FROM edges e "
            f"JOIN r ON e.src = r.k WHERE {asof('e')}) SELECT k FROM r;\n",
            check_reach, "≥ 5×", lambda c, r: r >= 5)

    def check_diff(c, s):
        d = read_json(c)
        cn = set(d["nodes"]["added"]) | set(d["nodes"]["removed"]) | \
            {m["key"] for m in d["nodes"]["modified"]}
        ce = {tuple(e) for e in d["edges"]["added"] + d["edges"]["removed"]} | \
            {tuple(m["edge"]) for m in d["edges"]["modified"]}
        rows = read_rows(s, sep="\t")
        sn = {r[1] for r in rows if r[0] == "n"}
        se = {tuple(r[1:4]) for r in rows if r[0] == "e"}
        agree("diff: changed node count", len(cn), len(sn))
        agree("diff: changed nodes", cn, sn)
        agree("diff: changed edge count", len(ce), len(se))
        agree("diff: changed edges", ce, se)
        return f"{len(cn):,} nodes, {len(ce):,} edges changed, sets agree"

    def view(table, cols, r):
        return f"SELECT {cols} FROM {table} WHERE {asof(table, r)}"
    nc, ec = "key, kind, props", "src, type, dst, props"
    read_op("diff", f"diff HEAD~1 HEAD ({H - 1} → {H})",
            [crit, "diff", str(H - 1), str(H), "--format", "json", "--db", cdb],
            ".mode tabs\n"
            f"SELECT 'n', * FROM ({view('nodes', nc, H - 1)} EXCEPT "
            f"{view('nodes', nc, H)});\n"
            f"SELECT 'n', * FROM ({view('nodes', nc, H)} EXCEPT "
            f"{view('nodes', nc, H - 1)});\n"
            f"SELECT 'e', * FROM ({view('edges', ec, H - 1)} EXCEPT "
            f"{view('edges', ec, H)});\n"
            f"SELECT 'e', * FROM ({view('edges', ec, H)} EXCEPT "
            f"{view('edges', ec, H - 1)});\n",
            check_diff, "≥ 100×", lambda c, r: r >= 100)

    # export: critgraph writes DIR/nodes.csv and DIR/edges.csv; sqlite3 the
    # same rows with -csv, sorted the same way. Counted by a CSV reader.
    xdir = out("export-critgraph")
    sx = out("export-sqlite")
    os.makedirs(sx, exist_ok=True)

    def check_export(c, s):
        got = (csv_rows(os.path.join(xdir, "nodes.csv")),
               csv_rows(os.path.join(xdir, "edges.csv")))
        want = (csv_rows(os.path.join(sx, "nodes.csv")),
                csv_rows(os.path.join(sx, "edges.csv")))
        agree("export: (node rows, edge rows)", got, want)
        agree("export: rows vs stats", got, (st["nodes"], st["edges"]))
        return f"{got[0]:,} node rows, {got[1]:,} edge rows agree"
    read_op("export", "export CSV at HEAD",
            [crit, "export", "--format", "csv", "--out", xdir, "--db", cdb],
            ".mode csv\n.headers on\n"
            f".output {sx}/nodes.csv\n"
            f"SELECT key, kind, props FROM nodes WHERE {asof('nodes')} "
            "ORDER BY key;\n"
            f".output {sx}/edges.csv\n"
            f"SELECT src, type, dst, props FROM edges WHERE {asof('edges')} "
            "ORDER BY src, type, dst;\n",
            check_export, "≥ 1×", lambda c, r: r >= 1)

    # The floor: starting each process with no database at all.
    cw, sw = [], []
    for _ in range(runs):
        cw.append(run([crit, "--help"]))
        sw.append(run([sq, ":memory:", "SELECT 1;"]))
    record("process_start", "process start, no database (`--help`; `:memory:`)",
           summary(cw), summary(sw), "—", None, "no answer to compare",
           critgraph_cmd="--help", sqlite3_sql="-- sqlite3 :memory: 'SELECT 1;'")

    # 4. Import of the HEAD snapshot as CSV: the files critgraph exported,
    #    loaded by both tools (sqlite3 creates the tables from the headers).
    csv_sql = sqlite_script("import_csv", f"""\
.import --csv {xdir}/nodes.csv nodes
.import --csv {xdir}/edges.csv edges
CREATE INDEX nodes_key ON nodes(key);
CREATE INDEX edges_src ON edges("from", type, "to");
CREATE INDEX edges_dst ON edges("to", type, "from");
SELECT count(*) FROM nodes;
SELECT count(*) FROM edges;
""")
    ccdb, scdb = out("csv-critgraph.db"), out("csv-sqlite.db")
    cs, ss = [], []
    for i in range(import_runs):
        shutil.rmtree(ccdb, ignore_errors=True)
        cs.append(run([crit, "import", xdir, "--format", "csv", "--db", ccdb],
                      stdout=out("import_csv.crit"), rss=True))
        if os.path.exists(scdb):
            os.remove(scdb)
        ss.append(run([sq, "-bail", scdb], stdin=csv_sql,
                      stdout=out("import_csv.sqlite-out"), rss=True))
        log(f"import CSV run {i + 1}/{import_runs}: critgraph {cs[-1][0]:.2f} s, "
            f"sqlite3 {ss[-1][0]:.2f} s")
    cst = json.loads(subprocess.run([crit, "stats", "--json", "--db", ccdb],
                                    check=True, capture_output=True).stdout)
    scount = tuple(int(r[0]) for r in read_rows(out("import_csv.sqlite-out")))
    agree("import CSV: (nodes, edges)", (cst["nodes"], cst["edges"]), scount)
    agree("import CSV: digest of the HEAD snapshot", cst["digest"], st["digest"])

    # Report order: imports first.
    record("import_csv", "import CSV (HEAD snapshot, 1 revision)",
           summary(cs), summary(ss), "≥ 1×", lambda c, r: r >= 1,
           f"{scount[0]:,} nodes, {scount[1]:,} edges agree; same digest as HEAD",
           critgraph_cmd="import DIR --format csv")
    record("import_jsonl", f"import JSONL ({H} revisions)",
           summary(c_samples), summary(s_samples), "≥ 1×", lambda c, r: r >= 1,
           f"HEAD counts agree: {import_msg}",
           critgraph_cmd="import STREAM.jsonl")
    ops.sort(key=lambda o: {"import_jsonl": 0, "import_csv": 1}.get(o["id"], 2))

    if args.check_only:
        log(f"check-only: every answer agreed ({len(ops)} operations)")
        shutil.rmtree(SCRATCH, ignore_errors=True)
        return 0

    def git(*a):
        r = subprocess.run(["git", *a], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else "unknown"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--",
                            "storage", "engine", "io", "tools", "include"]).returncode
    sqv = subprocess.run([sq, "--version"], capture_output=True,
                         text=True).stdout.split()[0]
    result = {
        "size": args.size, "seed": args.seed,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "commit": git("rev-parse", "--short", "HEAD") + (" (modified)" if dirty else ""),
        "critgraph": crit, "sqlite3": f"{sq} {sqv}",
        "runs": runs, "import_runs": import_runs,
        "dataset": {"stream": stream, "stream_bytes": os.path.getsize(stream),
                    **meta, "reach_source": key, "show_key": show_key,
                    "versioned_csv_bytes": sum(os.path.getsize(os.path.join(rowdir, f))
                                               for f in ("nodes.csv", "edges.csv"))},
        "machine": {"nproc": os.cpu_count(), "loadavg_start": load_start,
                    "loadavg_end": open("/proc/loadavg").read().strip()},
        "ops": ops,
    }
    path = args.out or os.path.join(B, "bench-results", args.size, "proc.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    log(f"wrote {path}")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Disagreement as e:
        log(f"ANSWERS DISAGREE: {e}")
        sys.exit(1)
