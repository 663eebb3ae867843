#!/usr/bin/env python3
"""Turns the JSON results of scripts/bench.sh into docs/PERFORMANCE.md and
PNG plots (matplotlib, Debian's python3-matplotlib).

  scripts/bench_report.py --results build-bench/bench-results/medium \
      --out docs/PERFORMANCE.md --plots docs/perf

Ratios use CPU time: the machine is shared and noisy, and every query here is
single-threaded, so CPU time is the fairer figure; wall time is listed too.
The hand-written analysis in bench/FINDINGS.md is included verbatim.
"""
import argparse
import json
import os
import re
import sys

UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data.get("benchmarks", []):
        name = re.sub(r"(/iterations:\d+|/real_time)+$", "", b["name"])
        out[name] = b
    out["__context__"] = data.get("context", {})
    return out


def secs(b, kind="cpu_time"):
    return b[kind] * UNIT[b.get("time_unit", "ns")]


def fmt_rate(v):
    if v is None:
        return "n/a"
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.2f}{suf}"
    return f"{v:.1f}"


def fmt_time(s):
    if s is None:
        return "n/a"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def ok(b):
    return b is not None and not b.get("error_occurred")


def proc_section(path, heading="##"):
    """Markdown for proc.json (scripts/bench_proc.py): the whole-process
    table, critgraph CLI vs sqlite3 shell, medians of wall time."""
    with open(path) as f:
        p = json.load(f)
    ds = p["dataset"]
    L = []
    A = L.append
    A(f"{heading} Whole-process: `critgraph` CLI vs `sqlite3` shell ({p['size']})")
    A("")
    A(f"`scripts/bench_proc.py --size {p['size']}` on {p['date']}, commit "
      f"{p['commit']}, {p['sqlite3']}. Dataset: {ds['revisions']} revisions, "
      f"{ds['head']['nodes']:,} nodes and {ds['head']['edges']:,} edges at HEAD "
      f"({ds['rows']['nodes']:,} node and {ds['rows']['edges']:,} edge row "
      f"versions for sqlite3). Each figure is one whole process (spawn, open, "
      f"work, close; wall time), median of {p['runs']} runs "
      f"({p['import_runs']} for the imports); both tools' answers were "
      "compared before any time was kept. Read-only commands ran on the "
      "database the CLI had just imported. Ratio = sqlite3 median / critgraph "
      "median (> 1: critgraph faster). Load average "
      f"{p['machine']['loadavg_start'].split()[0]} at start, "
      f"{p['machine']['loadavg_end'].split()[0]} at end, {p['machine']['nproc']} cores.")
    A("")
    A("| operation | critgraph median (s) | sqlite3 median (s) | ratio | target | met |")
    A("|---|---|---|---|---|---|")
    for o in p["ops"]:
        met = "n/a" if o["met"] is None else ("**yes**" if o["met"] else "**no**")
        A(f"| {o['operation']} | {o['critgraph']['median']:.4f} | "
          f"{o['sqlite3']['median']:.4f} | {o['ratio']:.2f}× | {o['target']} | {met} |")
    A("")
    firsts = [o for o in p["ops"] if "first" in o["critgraph"]]
    if firsts:
        A("First run of each read-only command right after the import (one "
          "sample each), and min–max of the warm runs:")
        A("")
        A("| operation | critgraph first (s) | sqlite3 first (s) | critgraph min–max (s) | sqlite3 min–max (s) |")
        A("|---|---|---|---|---|")
        for o in firsts:
            c, s = o["critgraph"], o["sqlite3"]
            A(f"| {o['operation']} | {c['first']:.4f} | {s['first']:.4f} | "
              f"{c['min']:.4f}–{c['max']:.4f} | {s['min']:.4f}–{s['max']:.4f} |")
        A("")
    A("CPU time (user + system, all threads) of the same runs, medians; on a "
      "shared machine it is steadier than wall time:")
    A("")
    A("| operation | critgraph CPU (s) | sqlite3 CPU (s) | ratio |")
    A("|---|---|---|---|")
    for o in p["ops"]:
        c, s = o["critgraph"]["cpu_median"], o["sqlite3"]["cpu_median"]
        A(f"| {o['operation']} | {c:.4f} | {s:.4f} | "
          f"{(s / c if c else float('inf')):.2f}× |")
    A("")
    A("Answers compared, and peak RSS:")
    A("")
    for o in p["ops"]:
        rss = ""
        if o["id"].startswith("import"):
            rss = (f" Peak RSS: critgraph {max(o['critgraph']['maxrss_kib']) / 1024:.0f} MiB, "
                   f"sqlite3 {max(o['sqlite3']['maxrss_kib']) / 1024:.0f} MiB.")
        A(f"- {o['operation']}: {o['check']}.{rss}")
    A("")
    A("The CLI does not report its open time; the whole `log` and `stats` "
      "processes (spawn, open, read, close) bound it from above.")
    byid = {o["id"]: o for o in p["ops"]}
    if "open_log" in byid and "process_start" in byid:
        est = byid["open_log"]["critgraph"]["median"] - \
            byid["process_start"]["critgraph"]["median"]
        A(f"Their difference from the process start without a database "
          f"(`critgraph --help`) puts the open, the read of the revision list "
          f"and the close at about {est * 1e3:.0f} ms (medians).")
    A("")
    A("<details><summary>The commands and SQL</summary>")
    A("")
    for o in p["ops"]:
        if "critgraph_cmd" in o:
            A(f"- {o['operation']}: `critgraph {o['critgraph_cmd']}`")
        if "sqlite3_sql" in o:
            A("")
            A("  ```sql")
            for line in o["sqlite3_sql"].splitlines():
                A("  " + line)
            A("  ```")
    A("")
    A("Imports: `sqlite3 DB < import.sql` (CREATE TABLE, `.import --csv`, "
      "CREATE INDEX on nodes(key, valid_from), edges(src, type, dst, "
      "valid_from) and edges(dst, type, src, valid_from); for the CSV "
      "snapshot, `.import` creates the tables from the headers and the same "
      "three indexes are built). Every sqlite3 process starts with `PRAGMA "
      "cache_size=-262144` (256 MiB, critgraph's block cache).")
    A("")
    A("</details>")
    A("")
    return L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plots")
    ap.add_argument("--proc-only", action="store_true",
                    help="write only the whole-process table of "
                    "RESULTS/proc.json to OUT (markdown)")
    args = ap.parse_args()
    if args.proc_only:
        with open(args.out, "w") as f:
            f.write("\n".join(proc_section(os.path.join(args.results, "proc.json"))))
        print(f"wrote {args.out}", file=sys.stderr)
        return
    if not args.plots:
        ap.error("--plots is required (unless --proc-only)")
    R = args.results
    q = load(os.path.join(R, "query.json"))
    d = load(os.path.join(R, "diff.json"))
    im = load(os.path.join(R, "import.json"))
    size = os.path.basename(os.path.normpath(R))
    os.makedirs(args.plots, exist_ok=True)
    plot_rel = os.path.relpath(args.plots, os.path.dirname(args.out) or ".")

    def get(m, name):
        b = m.get(name)
        return b if ok(b) else None

    rows = []  # (figure, critgraph, baseline, ratio, target, met)

    def ratio_row(label, crit, base, ratio, target_text, met, note=""):
        rows.append((label, crit, base, ratio, target_text,
                     "n/a" if met is None else ("**yes**" if met else "**no**"),
                     note))

    # Reach.
    for which in ("head", "old"):
        c = get(q, f"BM_Reach/critgraph/{which}")
        s = get(q, f"BM_Reach/sqlite/{which}")
        r = get(q, f"BM_Reach/raw/{which}")
        if c and s:
            x = c["edges_per_s"] / s["edges_per_s"]
            ratio_row(f"reach edges/s at {which.upper() if which == 'head' else 'r1 (oldest)'} vs SQLite",
                      fmt_rate(c["edges_per_s"]) + "/s",
                      fmt_rate(s["edges_per_s"]) + "/s", f"{x:.2f}×", "≥ 5×",
                      x >= 5)
        if c and r:
            x = c["edges_per_s"] / r["edges_per_s"]
            ratio_row(f"reach edges/s at {which.upper() if which == 'head' else 'r1 (oldest)'} vs raw RocksDB scan",
                      fmt_rate(c["edges_per_s"]) + "/s",
                      fmt_rate(r["edges_per_s"]) + "/s", f"{x:.2f}×", "≥ 0.5×",
                      x >= 0.5)
        # The same reach through an in-memory AdjacencySnapshot of the
        # revision (built once, then reused by repeated analytics).
        a = get(q, f"BM_Reach/adjacency/{which}")
        label = which.upper() if which == 'head' else 'r1 (oldest)'
        if a and s:
            x = a["edges_per_s"] / s["edges_per_s"]
            ratio_row(f"reach edges/s at {label} via AdjacencySnapshot vs SQLite",
                      fmt_rate(a["edges_per_s"]) + "/s",
                      fmt_rate(s["edges_per_s"]) + "/s", f"{x:.1f}×", "≥ 5×",
                      x >= 5, "snapshot build time reported separately")
        if a and r:
            x = a["edges_per_s"] / r["edges_per_s"]
            ratio_row(f"reach edges/s at {label} via AdjacencySnapshot vs raw RocksDB scan",
                      fmt_rate(a["edges_per_s"]) + "/s",
                      fmt_rate(r["edges_per_s"]) + "/s", f"{x:.1f}×", "≥ 0.5×",
                      x >= 0.5)
    # Diff, 1 revision (~1k changes).
    c = get(d, "BM_DiffChanges/critgraph/1")
    s = get(d, "BM_DiffChanges/sqlite/1")
    if not (c and s):  # fall back to the same pair measured in the N series
        big = sorted([n for n in d if n.startswith("BM_DiffN/critgraph/")
                      and get(d, n) and get(d, n.replace("critgraph", "sqlite"))],
                     key=lambda n: int(n.rsplit("/", 1)[1]))
        if big:
            c, s = get(d, big[-1]), get(d, big[-1].replace("critgraph", "sqlite"))
    if c and s:
        x = secs(s) / secs(c)
        ratio_row(f"diff of one revision ({int(c['changes'])} changes) vs SQLite EXCEPT",
                  fmt_time(secs(c)), fmt_time(secs(s)), f"{x:.0f}× faster",
                  "≥ 100×", x >= 100)
    dn = sorted(
        [(int(b["graph_elements"]), b) for n, b in d.items()
         if n.startswith("BM_DiffN/critgraph/") and ok(b)],
        key=lambda t: t[0])
    if len(dn) >= 2:
        (n0, b0), (n1, b1) = dn[-2], dn[-1]
        x = secs(b1) / secs(b0)
        ratio_row(f"1-revision diff at {n1:,} vs {n0:,} elements ({n1 / n0:.0f}× graph)",
                  fmt_time(secs(b1)), fmt_time(secs(b0)), f"{x:.2f}× slower",
                  "≤ 1.5×", x <= 1.5)
    for which in ("old", "head"):
        c = get(q, f"BM_PointRead/critgraph/{which}")
        s = get(q, f"BM_PointRead/sqlite/{which}")
        if c and s:
            x = secs(s) / secs(c)
            ratio_row(f"as-of point read at {'r1' if which == 'old' else 'HEAD'} vs SQLite",
                      fmt_time(secs(c)), fmt_time(secs(s)), f"{x:.2f}× faster",
                      "> 1×", x > 1)
    # Import.
    api_rss = None
    tpath = os.path.join(R, "import_api.time")
    if os.path.exists(tpath):
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                      open(tpath).read())
        if m:
            api_rss = int(m.group(1)) * 1024
    api = None
    apath = os.path.join(R, "import_api.json")
    if os.path.exists(apath):
        try:
            api = json.loads(open(apath).read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            api = None
    for eng, label in (("critgraph_json", "JSONL parse + apply"),
                       ("critgraph_api", "API (generator → ApplyChange)")):
        c = get(im, f"BM_Import/{eng}")
        s = get(im, "BM_Import/sqlite")
        if c:
            v = c["elements_per_s"]
            ratio_row(f"bulk import, {label}", fmt_rate(v) + " el/s",
                      (fmt_rate(s["elements_per_s"]) + " el/s (SQLite)") if s else "n/a",
                      f"{v / 5e5:.2f}× of target", "≥ 500k el/s", v >= 5e5,
                      "wall time")
    # A multi-revision import costs what the file costs, not what the
    # database holds.
    x1 = get(im, "BM_ImportInto/base_x1")
    x10 = get(im, "BM_ImportInto/base_x10")
    if x1 and x10:
        x = secs(x10, "real_time") / secs(x1, "real_time")
        ratio_row(f"{int(x1['elements']):,}-element 5-revision import into a "
                  f"database of {int(x10['base_nodes']):,} vs "
                  f"{int(x1['base_nodes']):,} nodes",
                  fmt_time(secs(x10, "real_time")),
                  fmt_time(secs(x1, "real_time")), f"{x:.2f}× as long",
                  "≤ 1.5×", x <= 1.5, "whole import: open, import, close")
    if api_rss is not None:
        ratio_row("peak RSS of a fresh-process import (`/usr/bin/time -v`)",
                  f"{api_rss / 2**20:.0f} MiB", "", "", "< 1 GiB",
                  api_rss < 2**30,
                  f"{api['ops']:,} ops at {fmt_rate(api['ops_per_second'])} el/s" if api else "")
    b = get(q, "BM_BytesOnDisk")
    if b:
        x = b["critgraph_bytes_per_version"] / b["sqlite_bytes_per_version"]
        ratio_row("bytes on disk per stored element version",
                  f"{b['critgraph_bytes_per_version']:.1f} B",
                  f"{b['sqlite_bytes_per_version']:.1f} B", f"{x:.2f}×",
                  "≤ 1×", x <= 1,
                  f"{int(b['stored_versions']):,} versions; critgraph "
                  f"{b['critgraph_bytes'] / 2**20:.1f} MiB, SQLite "
                  f"{b['sqlite_bytes'] / 2**20:.1f} MiB")

    # ---- plots ----
    plots = []
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        def save(fig, name, caption):
            p = os.path.join(args.plots, name)
            fig.tight_layout()
            fig.savefig(p, dpi=110)
            plt.close(fig)
            plots.append((caption, os.path.join(plot_rel, name)))

        ch = sorted([(b["changes"], secs(b) * 1e3) for n, b in d.items()
                     if n.startswith("BM_DiffChanges/critgraph/") and ok(b)])
        chs = sorted([(b["changes"], secs(b) * 1e3) for n, b in d.items()
                      if n.startswith("BM_DiffChanges/sqlite/") and ok(b)])
        if ch:
            fig, ax = plt.subplots(figsize=(6, 4))
            ax.loglog(*zip(*ch), "o-", label="critgraph Diff")
            if chs:
                ax.loglog(*zip(*chs), "s--", label="SQLite EXCEPT")
            ax.set_xlabel("changes in the diff")
            ax.set_ylabel("CPU time per diff (ms)")
            ax.set_title(f"Diff cost vs changes ({size} dataset)")
            ax.grid(True, which="both", alpha=.3)
            ax.legend()
            save(fig, "diff_vs_changes.png", "Diff time against the number of changes, fixed N")
        fig, ax = plt.subplots(figsize=(6, 4))
        any_n = False
        for eng, style in (("critgraph", "o-"), ("sqlite", "s--")):
            pts = sorted([(b["graph_elements"], secs(b) * 1e3) for n, b in d.items()
                          if n.startswith(f"BM_DiffN/{eng}/") and ok(b)])
            if pts:
                any_n = True
                ax.loglog(*zip(*pts), style, label=eng)
        if any_n:
            ax.set_xlabel("graph elements (nodes + edges at HEAD)")
            ax.set_ylabel("CPU time per 1-revision diff (ms)")
            ax.set_title("Diff cost vs graph size, ~1k changes")
            ax.grid(True, which="both", alpha=.3)
            ax.legend()
            save(fig, "diff_vs_n.png", "Diff time against graph size at ~1k changes")
        else:
            plt.close(fig)
        bars = []
        for which in ("old", "head"):
            for eng in ("critgraph", "adjacency", "sqlite", "raw"):
                b = get(q, f"BM_Reach/{eng}/{which}")
                if b:
                    bars.append((f"{eng}\n{which}", b["edges_per_s"] / 1e6))
        if bars:
            fig, ax = plt.subplots(figsize=(7, 4))
            ax.bar([x for x, _ in bars], [y for _, y in bars],
                   color=["C0", "C3", "C1", "C2"] * 2)
            ax.set_yscale("log")
            ax.set_ylabel("M edges/s (CPU time)")
            ax.set_title(f"Reach throughput ({size} dataset)")
            save(fig, "reach.png", "Reach edges/s, critgraph vs SQLite vs raw RocksDB scan")
        bars = [(n.split("/", 1)[1], b["elements_per_s"] / 1e3)
                for n, b in im.items() if n.startswith("BM_Import/") and ok(b)]
        if bars:
            fig, ax = plt.subplots(figsize=(7, 4))
            ax.bar([x for x, _ in bars], [y for _, y in bars])
            ax.axhline(500, color="r", ls="--", label="target 500k/s")
            ax.set_ylabel("k elements/s (wall time)")
            ax.set_title(f"Bulk import rate ({size} dataset)")
            ax.legend()
            plt.setp(ax.get_xticklabels(), rotation=15)
            save(fig, "import.png", "Bulk import rate")
    except ImportError:
        print("matplotlib missing: no plots (apt-get install python3-matplotlib)",
              file=sys.stderr)

    # ---- markdown ----
    L = []
    A = L.append
    A("# Performance")
    A("")
    A("Generated by `scripts/bench.sh` → `scripts/bench_report.py`; do not edit by hand")
    A("(the analysis comes from `bench/FINDINGS.md`).")
    A("")
    A("## How to run it")
    A("")
    A("```sh")
    A("scripts/bench.sh small    # ~2 minutes: CI-sized dataset (10k nodes)")
    A("scripts/bench.sh s100k proc  # only the whole-process suite (CLI vs sqlite3 shell)")
    A("scripts/bench.sh medium   # 1M nodes, ~5M edges, 100 revisions; the first run builds")
    A("                          # and caches the datasets (critgraph, SQLite, raw RocksDB)")
    A("REPORT_ONLY=1 scripts/bench.sh medium   # regenerate this file from the JSON")
    A("```")
    A("")
    A("It installs missing Debian packages, builds `build-bench/` in Release, checks that")
    A("critgraph, SQLite and the raw RocksDB scan agree (`bench_smoke`), runs the three")
    A("Google Benchmark suites with `--benchmark_out` JSON into")
    A("`build-bench/bench-results/<size>/`, profiles with callgrind, and writes this file.")
    A("Datasets are generated by `critgraph_gen` (seeded, deterministic) and cached in")
    A("`build-bench/bench-data/<size>-n<N>-h<revisions>-c<changes>-s<seed>/`. The CI")
    A("smoke test is `ctest -R bench_smoke` (agreement checks + every suite once on")
    A("the small size; no timing assertions), and `ctest -R bench_proc_smoke`")
    A("(`scripts/bench_proc.py --size tiny --check-only`: the CLI and the sqlite3 shell")
    A("agree on every whole-process operation).")
    A("")
    A(f"## This run: `{size}` dataset")
    A("")
    ctx = q.get("__context__", {}) or d.get("__context__", {})
    if ctx:
        A(f"Dataset `{ctx.get('dataset', '?')}`: {int(ctx.get('dataset_nodes', 0)):,} nodes and "
          f"{int(ctx.get('dataset_edges', 0)):,} edges at HEAD, {ctx.get('dataset_revisions', '?')} revisions "
          "(revision 1 is the bulk load; each later revision changes ~1,000 nodes and edges: "
          "property updates, inserts, deletes).")
        A("")
    mpath = os.path.join(R, "machine.txt")
    if os.path.exists(mpath):
        A("Machine:")
        A("")
        A("```")
        A(open(mpath).read().rstrip())
        A("```")
        A("")
    A("## Ratio table")
    A("")
    A("CPU time unless noted; each baseline runs in the same process on the same data, and")
    A("its answer is checked equal to critgraph's before it is timed.")
    A("")
    A("| figure | critgraph | baseline | ratio | target | met | note |")
    A("|---|---|---|---|---|---|---|")
    for r in rows:
        A("| " + " | ".join(str(x) for x in r) + " |")
    A("")
    ppath = os.path.join(R, "proc.json")
    if os.path.exists(ppath):
        L.extend(proc_section(ppath))
    # The whole-process suite run at other sizes (`scripts/bench.sh SIZE
    # proc`), from the sibling result directories, so one report holds one
    # run of each size.
    this_size = os.path.basename(os.path.normpath(R))
    for other in ("tiny", "small", "s100k", "medium", "large"):
        opath = os.path.join(os.path.dirname(os.path.normpath(R)), other,
                             "proc.json")
        if other != this_size and os.path.exists(opath):
            L.extend(proc_section(opath))
    A("## Plots")
    A("")
    for caption, p in plots:
        A(f"**{caption}**")
        A("")
        A(f"![{caption}]({p})")
        A("")
    A("## All figures")
    A("")
    A("| benchmark | CPU time | wall time | iterations | counters |")
    A("|---|---|---|---|---|")
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index",
            "threads", "iterations", "real_time", "cpu_time", "time_unit",
            "family_index", "per_family_instance_index"}
    for m in (q, d, im):
        for n, b in m.items():
            if n == "__context__":
                continue
            if b.get("error_occurred"):
                A(f"| {n} | **error** | | | {b.get('error_message', '')} |")
                continue
            cnt = ", ".join(
                f"{k}={fmt_rate(v) if isinstance(v, (int, float)) else v}"
                for k, v in b.items() if k not in skip)
            A(f"| {n} | {fmt_time(secs(b))} | {fmt_time(secs(b, 'real_time'))} | "
              f"{b['iterations']} | {cnt} |")
    A("")
    fpath = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "bench", "FINDINGS.md")
    if os.path.exists(fpath):
        A(open(fpath).read().rstrip())
        A("")
    for name, title in (("import", "critgraph_gen --size tiny --db (bulk import)"),
                        ("reach", "BM_Reach/critgraph/head, small dataset"),
                        ("export", "BM_Export/critgraph, small dataset")):
        for suffix, kind in (("", "exclusive"), ("_inclusive", "inclusive")):
            p = os.path.join(R, f"profile_{name}{suffix}.txt")
            if os.path.exists(p) and os.path.getsize(p) > 0:
                A(f"### Profile: {title} (callgrind, {kind} Ir, top lines)")
                A("")
                A("```")
                lines = [l for l in open(p).read().splitlines()
                         if re.match(r"^\s*[\d,]+ \(", l) or "PROGRAM TOTALS" in l]
                for l in lines[:18 if suffix else 14]:
                    A(l[:160])
                A("```")
                A("")
    with open(args.out, "w") as f:
        f.write("\n".join(L))
    print(f"wrote {args.out} ({len(rows)} ratios, {len(plots)} plots)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
