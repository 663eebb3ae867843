#!/usr/bin/env python3
"""critgraph.dask on a LocalCluster of 1 and 2 worker processes: the table of
docs/SCALE-OUT.md.

usage: PYTHONPATH=build/python scripts/bench_dask.py DB [--parts 8]
           [--sources 64] [--runs 3] [--json OUT]

For each worker count, on a fresh cluster (so no worker has a cached handle
or adjacency):
  open+partitions  Snapshot.partitions(parts) in the client (one open)
  read_edges count read_edges(...).shape[0]: every edge read
                   into a pandas frame on a worker, only counts shipped back
  read_edges full  .compute(): the whole frame shipped to the client
  reach_many cold  `sources` reaches at HEAD; each worker opens the database
                   and builds the revision's Adjacency first
  reach_many warm  the same again: the workers' adjacency is cached
Medians of --runs for the read_edges and warm reach rows; cold is the first
run only (by definition). Every answer is checked against the single-process
API before it is timed.
"""
import argparse
import json
import random
import statistics
import sys
import time

import critgraph
import critgraph.dask as cdask
import distributed


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--parts", type=int, default=8)
    ap.add_argument("--sources", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-depth", type=int, default=None,
                    help="reach depth limit (default: none, whole reaches)")
    ap.add_argument("--json")
    args = ap.parse_args()

    with critgraph.open(args.db, read_only=True) as db:
        snap = db.snapshot("HEAD")
        rev, edges = snap.revision, snap.edge_count
        keys = [n.key for n in snap.nodes(kind="technology")]
        rng = random.Random(7)
        sources = rng.sample(keys, min(args.sources, len(keys)))
        t_local_reach, want = timed(lambda: snap.adjacency().reach_many(
            sources, direction="out", max_depth=args.max_depth))
    print(f"revision {rev}: {edges} edges; {len(sources)} sources, "
          f"max depth {args.max_depth}; load {open('/proc/loadavg').read().split()[0]}; "
          f"in-process adjacency build + reach_many {t_local_reach:.2f} s",
          file=sys.stderr)

    rows = []
    for workers in (1, 2):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True,
            dashboard_address=None, memory_limit=0)
        client = distributed.Client(cluster)
        try:
            row = {"workers": workers, "parts": args.parts,
                   "loadavg": open("/proc/loadavg").read().split()[0]}
            row["partitions_s"], parts = timed(
                lambda: cdask.partitions(args.db, rev, args.parts))
            count = []
            for _ in range(args.runs):
                t, n = timed(lambda: client.compute(
                    cdask.read_edges(args.db, rev, args.parts).shape[0])
                    .result())
                assert n == edges, (n, edges)
                count.append(t)
            row["read_edges_count_s"] = statistics.median(count)
            t, frame = timed(lambda: client.compute(
                cdask.read_edges(args.db, rev, args.parts)).result())
            assert len(frame) == edges
            row["read_edges_full_s"] = t
            del frame
            ntasks = 2 * workers
            row["reach_cold_s"], got = timed(lambda: cdask.reach_many(
                args.db, rev, sources, direction="out", max_depth=args.max_depth,
                client=client, ntasks=ntasks))
            assert got == want
            warm = []
            for _ in range(args.runs):
                t, got = timed(lambda: cdask.reach_many(
                    args.db, rev, sources, direction="out", max_depth=args.max_depth,
                    client=client, ntasks=ntasks))
                assert got == want
                warm.append(t)
            row["reach_warm_s"] = statistics.median(warm)
            row["edges_per_s_count"] = edges / row["read_edges_count_s"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        finally:
            client.close()
            cluster.close()

    print("| workers | partitions (s) | read_edges, counted (s) | "
          "edges/s | read_edges, to client (s) | reach_many cold (s) | "
          "reach_many warm (s) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['partitions_s']:.2f} | "
              f"{r['read_edges_count_s']:.2f} | "
              f"{r['edges_per_s_count'] / 1e6:.2f}M | "
              f"{r['read_edges_full_s']:.2f} | {r['reach_cold_s']:.2f} | "
              f"{r['reach_warm_s']:.2f} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"revision": rev, "edges": edges,
                   "max_depth": args.max_depth,
                       "sources": len(sources),
                       "local_adjacency_reach_s": t_local_reach,
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
