#!/usr/bin/env python3
"""A change stream whose entities are rewritten often, for the gc figure.

N nodes (technology, ~200-byte description) in a part_of chain under one
list node; then R revisions, each rewriting a fraction F of the nodes
(description and a counter) and of their edges' properties. Deterministic
(seeded). Writes JSONL to stdout; import with `critgraph import -`.

  python3 bench/gc_history.py --nodes 20000 --revisions 40 --fraction 0.25
"""
import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=20000)
    ap.add_argument("--revisions", type=int, default=40)
    ap.add_argument("--fraction", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout
    w = lambda o: out.write(json.dumps(o, separators=(",", ":")) + "\n")

    def text(r, i):
        return f"rev {r} node {i} " + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(180))

    w({"op": "node", "key": "gc-list", "kind": "list",
       "names": {"en": "gc bench list"}, "props": {}})
    for i in range(a.nodes):
        w({"op": "node", "key": f"t/{i}", "kind": "technology",
           "names": {"en": f"Technology {i}"},
           "props": {"description": text(1, i), "version": 1}})
        w({"op": "edge", "from": f"t/{i}", "type": "part_of", "to": "gc-list",
           "props": {"rank": i, "version": 1}})
    w({"op": "commit", "message": "initial", "effective": "2020-01-01"})
    for r in range(2, a.revisions + 1):
        for i in rng.sample(range(a.nodes), int(a.nodes * a.fraction)):
            w({"op": "node", "key": f"t/{i}", "kind": "technology",
               "names": {"en": f"Technology {i}"},
               "props": {"description": text(r, i), "version": r}})
            w({"op": "edge", "from": f"t/{i}", "type": "part_of",
               "to": "gc-list", "props": {"rank": i, "version": r}})
        month, day = 1 + (r - 1) // 28, 1 + (r - 1) % 28
        w({"op": "commit", "message": f"rewrite {r}",
           "effective": f"2020-{month:02d}-{day:02d}"})


if __name__ == "__main__":
    main()
