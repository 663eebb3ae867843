#!/usr/bin/env python3
"""Check data/critgraph-dataset.jsonl against the dataset's published figures.

Replays the JSONL change stream into a tiny in-memory model (a dict of nodes, a
dict of edges, one snapshot per tagged revision) and checks counts, the US CET
changes between versions, referential integrity and provenance. The expected
figures are parsed from the dataset README (../shared/data/README.md) where
practical, else taken from the JSON files.

Prints one line per check and ends with a line "N passed, M failed"; exits
non-zero if any check failed. Standard library only.
"""

import argparse
import copy
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_JSONL = HERE / "critgraph-dataset.jsonl"
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DATA_README = HERE / "README.md"
KPROGRAM_EN = HERE / "kprogram-en.json"
LINK_TYPES = {"maps_to", "depends_on", "covers"}

BUILTIN_KINDS = {"domain", "technology", "material", "foreign_list_entry", "list"}
BUILTIN_EDGE_TYPES = {"part_of", "maps_to", "depends_on", "covers", "supersedes"}
INT64 = (-(2 ** 63), 2 ** 63 - 1)
LINKS_TAG = "curated-links"


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, label, detail=""):
        if ok:
            self.passed += 1
            print("PASS  %s" % label)
        else:
            self.failed += 1
            print("FAIL  %s%s" % (label, (": " + detail) if detail else ""))
        return ok

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


# ------------------------------------------------------------------ replay

def valid_value(v):
    if isinstance(v, bool) or isinstance(v, str) or isinstance(v, float):
        return True
    if isinstance(v, int):
        return INT64[0] <= v <= INT64[1]
    if isinstance(v, list):
        return all(isinstance(x, str) for x in v)
    return False


class Replay:
    def __init__(self):
        self.nodes = {}       # key -> {"kind", "names", "props"}
        self.edges = {}       # (from, type, to) -> props
        self.kinds = set(BUILTIN_KINDS)
        self.edge_types = set(BUILTIN_EDGE_TYPES)
        self.snapshots = {}   # tag -> (nodes, edges)
        self.commits = []     # commit objects in order
        self.errors = []      # problems found while replaying
        self.pending = 0

    def err(self, lineno, msg):
        self.errors.append("line %d: %s" % (lineno, msg))

    def props_ok(self, lineno, props, what):
        if not isinstance(props, dict):
            self.err(lineno, "%s: props is not an object" % what)
            return
        for k, v in props.items():
            if not valid_value(v):
                self.err(lineno, "%s: property %s has an unsupported value %r" % (what, k, v))

    def apply(self, lineno, op):
        kind = op.get("op")
        if kind == "register":
            if "node_kind" in op:
                self.kinds.add(op["node_kind"])
            elif "edge_type" in op:
                self.edge_types.add(op["edge_type"])
            else:
                self.err(lineno, "register without node_kind/edge_type")
            self.pending += 1
        elif kind == "node":
            key = op.get("key")
            if not isinstance(key, str) or not key:
                self.err(lineno, "node without key")
                return
            if op.get("kind") not in self.kinds:
                self.err(lineno, "%s: unknown kind %r" % (key, op.get("kind")))
            names = op.get("names", {})
            if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
                self.err(lineno, "%s: names must map language to string" % key)
            props = op.get("props", {})
            self.props_ok(lineno, props, key)
            old = self.nodes.get(key)
            if old is not None and old["kind"] != op.get("kind"):
                self.err(lineno, "%s: kind changed from %s to %s" % (key, old["kind"], op.get("kind")))
            self.nodes[key] = {"kind": op.get("kind"), "names": dict(names), "props": dict(props)}
            self.pending += 1
        elif kind == "edge":
            f, t, to = op.get("from"), op.get("type"), op.get("to")
            if t not in self.edge_types:
                self.err(lineno, "edge %s-%s->%s: unknown type" % (f, t, to))
            missing = [k for k in (f, to) if k not in self.nodes]
            for k in missing:
                self.err(lineno, "edge %s-%s->%s: endpoint %s does not exist" % (f, t, to, k))
            props = op.get("props", {})
            self.props_ok(lineno, props, "%s-%s->%s" % (f, t, to))
            if not missing:  # a graph would reject such an edge
                self.edges[(f, t, to)] = dict(props)
            self.pending += 1
        elif kind == "del_node":
            key = op.get("key")
            if key not in self.nodes:
                self.err(lineno, "del_node %s: no such node" % key)
            self.nodes.pop(key, None)
            for ek in [ek for ek in self.edges if key in (ek[0], ek[2])]:
                del self.edges[ek]
            self.pending += 1
        elif kind == "del_edge":
            ek = (op.get("from"), op.get("type"), op.get("to"))
            if ek not in self.edges:
                self.err(lineno, "del_edge %s-%s->%s: no such edge" % ek)
            self.edges.pop(ek, None)
            self.pending += 1
        elif kind == "commit":
            tag = op.get("tag")
            for f in ("message", "tag", "effective", "author"):
                if not isinstance(op.get(f), str) or not op.get(f):
                    self.err(lineno, "commit without %s" % f)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(op.get("effective"))):
                self.err(lineno, "commit %s: effective %r is not YYYY-MM-DD" % (tag, op.get("effective")))
            if tag in self.snapshots:
                self.err(lineno, "duplicate tag %s" % tag)
            if self.pending == 0:
                self.err(lineno, "empty commit %s" % tag)
            self.snapshots[tag] = (copy.deepcopy(self.nodes), copy.deepcopy(self.edges))
            self.commits.append(op)
            self.pending = 0
        else:
            self.err(lineno, "unknown op %r" % kind)


def replay(path, rep):
    r = Replay()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        rep.check(False, "file is UTF-8", str(e))
        return None
    lines = text.split("\n")
    trailing_ok = text.endswith("\n")
    if trailing_ok:
        lines = lines[:-1]
    bad = []
    compact = []
    for i, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            bad.append("line %d: %s" % (i, e))
            continue
        if not isinstance(obj, dict):
            bad.append("line %d: not an object" % i)
            continue
        if json.dumps(obj, ensure_ascii=False, separators=(",", ":")) != line:
            compact.append(i)
        r.apply(i, obj)
    rep.check(not bad, "every line parses as a JSON object (%d lines)" % len(lines), "; ".join(bad[:5]))
    rep.check(trailing_ok and not compact,
              "lines are compact JSON with ensure_ascii=False, file ends with a newline",
              "non-canonical lines %s" % compact[:5])
    endpoint = [e for e in r.errors if "endpoint" in e]
    other = [e for e in r.errors if "endpoint" not in e]
    rep.check(not endpoint, "every edge endpoint exists when the edge is written", "; ".join(endpoint[:8]))
    rep.check(not other, "every op valid (known kinds/types, property value types, deletions of existing "
              "items, commits well formed, tags unique)", "; ".join(other[:8]))
    rep.check(r.pending == 0, "no ops after the last commit", "%d uncommitted ops" % r.pending)
    return r


# ------------------------------------------------------------------ expectations

def parse_readme(text):
    """Figures from the dataset README. Missing ones are simply absent."""
    exp = {"members": {}, "kp_added": {}}
    section = re.search(r"## Counts\n(.*?)\n## ", text, re.S)
    body = section.group(1) if section else ""
    list_key = None
    for line in body.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        m = re.search(r"`([a-z0-9-]+)`", cells[0])
        if m:
            list_key = m.group(1)
        tm = re.search(r"`([a-z0-9-]+)`", cells[1])
        if not tm or list_key is None:
            continue
        tag = tm.group(1)
        entries = cells[3]
        mm = re.search(r"(\d+) added, (\d+) in all", entries)
        if mm:
            exp["kp_added"][tag] = int(mm.group(1))
            exp["members"][tag] = (list_key, int(mm.group(2)))
            continue
        mm = re.match(r"(\d+)", entries)
        if mm:
            exp["members"][tag] = (list_key, int(mm.group(1)))
    m = re.search(r"certified plans as of [0-9-]+ sum to \*\*(\d+)\*\*", text)
    if m:
        exp["certified_plans"] = int(m.group(1))
    m = re.search(r"Links: `maps_to` (\d+) \(.*?\); `depends_on` (\d+); `covers` (\d+)", text, re.S)
    if m:
        exp["links"] = {"maps_to": int(m.group(1)), "depends_on": int(m.group(2)), "covers": int(m.group(3))}
    exp["us_changes"] = {}
    for m in re.finditer(r"- (\d{4})→(\d{4}): (.*?)(?=\n- |\n\n)", text, re.S):
        body = " ".join(m.group(3).split())
        ch = {}
        for what in ("added", "removed", "renamed"):
            mm = re.search(what + r" (\d+) \(([^)]*)\)", body)
            if mm:
                keys = {"us-cet/" + k.strip() for k in mm.group(2).split(",") if k.strip()}
                ch[what] = (int(mm.group(1)), keys)
        exp["us_changes"][(m.group(1), m.group(2))] = ch
    m = re.search(r"Notes for the converter.*?Version order by `effective_date`: (.*?)\n\s*- ", text, re.S)
    if m:
        exp["order"] = re.findall(r"([a-z0-9-]+)\s+\(\d{4}-\d{2}-\d{2}\*?\)", m.group(1))
    return exp


def expectations_from_json(shared):
    """The same figures from the JSON files (fallback, and cross-check)."""
    lists = json.loads((shared / "lists.json").read_text(encoding="utf-8"))
    kp = json.loads((shared / "kprogram.json").read_text(encoding="utf-8"))
    mat = json.loads((shared / "materials.json").read_text(encoding="utf-8"))
    links = json.loads((shared / "links.json").read_text(encoding="utf-8"))
    exp = {"members": {}, "kp_added": {}, "versions": []}
    for lst in lists["lists"]:
        for v in lst["versions"]:
            exp["members"][v["tag"]] = (lst["key"], len(v["entries"]))
            exp["versions"].append((v["effective_date"], v["tag"]))
    for v in kp["versions"]:
        exp["members"][v["tag"]] = (kp["key"], v["cumulative_count"])
        exp["kp_added"][v["tag"]] = len(v["added"])
        exp["versions"].append((v["effective_date"], v["tag"]))
    for v in mat["versions"]:
        exp["members"][v["tag"]] = (mat["key"], len(v["materials"]))
        exp["versions"].append((v["effective_date"], v["tag"]))
    exp["order"] = [t for _, t in sorted(exp["versions"])]
    exp["certified_plans"] = sum(m["certified_plans"] for m in mat["materials"])
    exp["links"] = {}
    for ln in links["links"]:
        exp["links"][ln["type"]] = exp["links"].get(ln["type"], 0) + 1
    us = next(l for l in lists["lists"] if l["key"] == "us-cet")
    exp["us_changes"] = {}
    vs = us["versions"]
    for a, b in zip(vs, vs[1:]):
        ea = {e["key"]: e for e in a["entries"]}
        eb = {e["key"]: e for e in b["entries"]}
        ren = {k for k in ea if k in eb and ea[k]["name_en"] != eb[k]["name_en"]}
        exp["us_changes"][(a["version"], b["version"])] = {
            "added": (len(set(eb) - set(ea)), set(eb) - set(ea)),
            "removed": (len(set(ea) - set(eb)), set(ea) - set(eb)),
            "renamed": (len(ren), ren),
        }
    exp["kp_list"] = kp["key"]
    exp["mat_list"] = mat["key"]
    exp["links_raw"] = links["links"]
    exp["kp_tech_keys"] = {t["key"] for t in kp["technologies"]}
    return exp


# ------------------------------------------------------------------ checks

def members(snapshot, list_key, kind=None):
    nodes, edges = snapshot
    out = set()
    for (f, t, to) in edges:
        if t == "part_of" and to == list_key and (kind is None or nodes.get(f, {}).get("kind") == kind):
            out.add(f)
    return out


def figure(readme_exp, json_exp, *path):
    """Value from the README if parsed there, else from the JSON; plus where."""
    def get(d):
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d
    v = get(readme_exp)
    if v is not None:
        return v, "README"
    return get(json_exp), "JSON"


def compare_readme_json(rx, jx, rep):
    """Report which figures came from the README and check they agree with the JSON."""
    missing = []
    if len(rx["members"]) != len(jx["members"]):
        missing.append("Counts table")
    if len(rx["kp_added"]) != len(jx["kp_added"]):
        missing.append("K Program added counts")
    for f in ("certified_plans", "links", "order"):
        if f not in rx:
            missing.append(f)
    if len(rx["us_changes"]) != len(jx["us_changes"]):
        missing.append("US CET changes")
    if missing:
        print("INFO  README figures not parsed (falling back to the JSON files): %s" % ", ".join(missing))
    disagree = []
    for tag, v in rx["members"].items():
        if jx["members"].get(tag) != v:
            disagree.append("%s %r vs %r" % (tag, v, jx["members"].get(tag)))
    for tag, v in rx["kp_added"].items():
        if jx["kp_added"].get(tag) != v:
            disagree.append("%s added %r vs %r" % (tag, v, jx["kp_added"].get(tag)))
    for f in ("certified_plans", "links", "order"):
        if f in rx and rx[f] != jx[f]:
            disagree.append("%s %r vs %r" % (f, rx[f], jx[f]))
    for k, v in rx["us_changes"].items():
        if jx["us_changes"].get(k) != v:
            disagree.append("US changes %s→%s" % k)
    rep.check(not disagree, "README figures agree with the JSON files (%d parsed from the README)" % (
        len(rx["members"]) + len(rx["kp_added"]) + sum(1 for f in ("certified_plans", "links", "order") if f in rx)
        + len(rx["us_changes"])), "; ".join(disagree[:5]))


def run_checks(r, rx, jx, rep):
    tags = [c["tag"] for c in r.commits]
    order, where = figure(rx, jx, "order")
    rep.check(tags == list(order) + [LINKS_TAG],
              "revisions: %d version commits in effective_date order (%s) + '%s'" % (len(order), where, LINKS_TAG),
              "got %s" % tags)
    rep.check(tags[:-1] == jx["order"], "version order agrees with the JSON effective_dates", "json %s" % jx["order"])
    rep.check(len(r.commits) == len(jx["order"]) + 1,
              "%d revisions in all (%d list versions + links)" % (len(jx["order"]) + 1, len(jx["order"])),
              "got %d" % len(r.commits))
    eff = [c["effective"] for c in r.commits]
    rep.check(eff == sorted(eff), "effective dates never go backwards", str(eff))
    last = r.commits[-1] if r.commits else {}
    rep.check(last.get("effective") == "2025-10-28" and "not official" in last.get("message", ""),
              "links commit dated 2025-10-28 and says the links are not official", last.get("message", ""))

    # member counts at every tagged revision
    kp_list, mat_list = jx["kp_list"], jx["mat_list"]
    for tag in jx["order"]:
        (list_key, n), where = figure(rx, jx, "members", tag)
        if tag not in r.snapshots:
            rep.check(False, "%s: revision exists" % tag)
            continue
        snap = r.snapshots[tag]
        kind = "technology" if list_key == kp_list else None
        got = members(snap, list_key, kind)
        what = "technologies" if list_key == kp_list else "members"
        rep.check(len(got) == n, "%s: %s has %d %s (%s)" % (tag, list_key, n, what, where), "got %d" % len(got))
        if jx["members"][tag] != (list_key, n):
            rep.check(False, "%s: README and JSON agree" % tag, "JSON says %r" % (jx["members"][tag],))
    # K Program technologies added per version
    prev = set()
    for tag in [t for t in jx["order"] if t in jx["kp_added"]]:
        n, where = figure(rx, jx, "kp_added", tag)
        cur = members(r.snapshots.get(tag, ({}, {})), kp_list, "technology")
        rep.check(len(cur - prev) == n and prev <= cur,
                  "%s: %d K Program %s added, none removed (%s)" % (
                      tag, n, "technology" if n == 1 else "technologies", where),
                  "added %d, removed %d" % (len(cur - prev), len(prev - cur)))
        prev = cur

    final = r.snapshots.get(LINKS_TAG, (r.nodes, r.edges))
    nodes, edges = final
    # materials
    mats = members(final, mat_list, "material")
    total, where = figure(rx, jx, "certified_plans")
    s = sum(nodes[m]["props"].get("certified_plans", 0) for m in mats)
    rep.check(s == total and len(mats) == 12,
              "sum of certified_plans over the %d materials = %d (%s)" % (len(mats), total, where), "got %d" % s)

    # US CET changes
    us_tags = [t for t in jx["order"] if t.startswith("us-cet-")]
    for a, b in zip(us_tags, us_tags[1:]):
        ya, yb = a.rsplit("-", 1)[1], b.rsplit("-", 1)[1]
        sa, sb = r.snapshots[a], r.snapshots[b]
        ma, mb = members(sa, "us-cet"), members(sb, "us-cet")
        kept = ma & mb
        got = {
            "added": mb - ma,
            "removed": ma - mb,
            "renamed": {k for k in kept if sa[0][k]["names"].get("en") != sb[0][k]["names"].get("en")},
        }
        for what in ("added", "removed", "renamed"):
            (n, keys), where = figure(rx, jx, "us_changes", (ya, yb), what)
            rep.check(len(got[what]) == n and got[what] == keys,
                      "US CET %s→%s: %s %d (%s; keys match)" % (ya, yb, what, n, where),
                      "got %d: %s" % (len(got[what]), sorted(got[what] ^ keys)))
        modified = {k for k in kept if sa[0][k] != sb[0][k]}
        rep.check(modified == got["renamed"],
                  "US CET %s→%s: the only modified kept entries are the renamed ones (no diff noise)" % (ya, yb),
                  "extra: %s" % sorted(modified - got["renamed"]))
        src_changed = {k for k in got["renamed"] if sa[0][k]["props"].get("source") == sb[0][k]["props"].get("source")}
        rep.check(not src_changed, "US CET %s→%s: renamed entries carry the new version's source" % (ya, yb),
                  str(sorted(src_changed)))

    # no node outside a changed list is modified by an unrelated commit
    noise = []
    prev_snap = ({}, {})
    for c in r.commits[:-1]:
        snap = r.snapshots[c["tag"]]
        list_key = jx["members"][c["tag"]][0]
        for k, n in snap[0].items():
            o = prev_snap[0].get(k)
            if o is not None and o != n and not (k == list_key or k.startswith(list_key + "/")):
                noise.append("%s in %s" % (k, c["tag"]))
        prev_snap = snap
    rep.check(not noise, "each version commit changes only nodes of its own list", "; ".join(noise[:5]))
    list_changes = []
    first = {}
    for c in r.commits:
        for k, n in r.snapshots[c["tag"]][0].items():
            if n["kind"] == "list":
                if k in first and first[k] != n:
                    list_changes.append("%s in %s" % (k, c["tag"]))
                first.setdefault(k, n)
    rep.check(not list_changes and len(first) == 6, "6 list nodes, never modified after their first version",
              "; ".join(list_changes) or "%d lists" % len(first))

    # links at the end
    link_counts = {}
    for (f, t, to) in edges:
        if t != "part_of":
            link_counts[t] = link_counts.get(t, 0) + 1
    exp_links, where = figure(rx, jx, "links")
    for t in ("maps_to", "depends_on", "covers"):
        rep.check(link_counts.get(t, 0) == exp_links.get(t),
                  "links at the end: %d %s (%s)" % (exp_links.get(t), t, where), "got %d" % link_counts.get(t, 0))
    mism = []
    for ln in jx["links_raw"]:
        p = edges.get((ln["from"], ln["type"], ln["to"]))
        if p is None:
            mism.append("missing %s" % ln["key"])
            continue
        want = {"basis": ln["basis"], "confidence": ln["confidence"], "source": "critgraph curation (links.json)"}
        for f in ("relation", "nature", "from_version", "to_version"):
            if ln.get(f) is not None:
                want[f] = ln[f]
        if p != want:
            mism.append("props of %s" % ln["key"])
    rep.check(not mism, "every links.json link is an edge with its basis/confidence/relation/nature/versions/source",
              "; ".join(mism[:5]))
    before_links = r.snapshots[r.commits[-2]["tag"]] if len(r.commits) > 1 else ({}, {})
    rep.check(not [ek for ek in before_links[1] if ek[1] in LINK_TYPES],
              "no curated link appears before the links commit")
    uncovered = {k for k in jx["kp_tech_keys"]} - {f for (f, t, _) in edges if t == "covers"}
    rep.check(not uncovered, "every K Program technology has a covers link", str(sorted(uncovered)))

    # provenance, membership edges, survivors
    no_source = sorted({"%s@%s" % (k, tag) for tag, (ns, _) in r.snapshots.items()
                        for k, n in ns.items() if not isinstance(n["props"].get("source"), str)})
    rep.check(not no_source, "every node has a source at every revision", "; ".join(no_source[:5]))
    bad_edges = sorted({"%s-%s->%s" % ek for tag, (_, es) in r.snapshots.items() for ek, p in es.items()
                        if not isinstance(p.get("source"), str) or (ek[1] == "part_of" and "since" not in p)})
    rep.check(not bad_edges, "every edge has a source; every part_of edge has since", "; ".join(bad_edges[:5]))
    since_bad = []
    for tag in tags:
        for ek, p in r.snapshots[tag][1].items():
            if ek[1] == "part_of" and p.get("since") not in tags[:tags.index(tag) + 1]:
                since_bad.append("%s-%s->%s since %s" % (ek + (p.get("since"),)))
    rep.check(not since_bad, "part_of 'since' names a revision at or before the one holding the edge",
              "; ".join(since_bad[:5]))
    orphans = []
    linked = {f for (f, t, _) in edges if t != "part_of"} | {to for (_, t, to) in edges if t != "part_of"}
    for k, n in nodes.items():
        if n["kind"] == "list":
            continue
        has_parent = any(f == k and t == "part_of" for (f, t, _) in edges)
        if not has_parent and k not in linked:
            orphans.append(k)
    rep.check(not orphans, "every non-list node is a member of something or referenced by a link", str(orphans[:5]))
    kinds_bad = []
    expected_kind = {"us-cet": "foreign_list_entry", "eu-cta": "foreign_list_entry",
                     "cn-14fyp": "foreign_list_entry", "jp-20-areas": "domain"}
    for k, n in nodes.items():
        prefix = k.split("/")[0]
        if n["kind"] == "list":
            continue
        if prefix in expected_kind and n["kind"] != expected_kind[prefix]:
            kinds_bad.append(k)
        if prefix == mat_list and n["kind"] != "material":
            kinds_bad.append(k)
        if prefix == kp_list and n["kind"] == "technology" and k not in jx["kp_tech_keys"]:
            kinds_bad.append(k)
        if prefix == kp_list and n["kind"] not in ("domain", "technology"):
            kinds_bad.append(k)
    rep.check(not kinds_bad, "node kinds follow the model", str(kinds_bad[:5]))
    no_number = [k for k, n in nodes.items() if k.startswith("us-cet/") and "number" in n["props"]]
    rep.check(not no_number, "US entries carry no 'number' prop", str(no_number[:5]))


def parse_lineage_table(text):
    """The supersedes table of data/README.md ("## Lineage"): rows
    | `successor` | `predecessor` | `since tag` | ... -> {(succ, pred): tag}."""
    section = re.search(r"\n## Lineage\n(.*?)(?=\n## |\Z)", text, re.S)
    out = {}
    if not section:
        return out
    for line in section.group(1).splitlines():
        cells = re.findall(r"`([a-z0-9/-]+)`", line)
        if line.startswith("|") and len(cells) >= 3:
            out[(cells[0], cells[1])] = cells[2]
    return out


def lineage_from_json(shared):
    """Every predecessor/successor relation recorded in lists.json, read in
    both directions: {(successor, predecessor)}."""
    lists = json.loads((shared / "lists.json").read_text(encoding="utf-8"))
    rels = set()
    for lst in lists["lists"]:
        for v in lst["versions"]:
            for e in v["entries"]:
                for p in e.get("predecessors") or []:
                    rels.add((e["key"], p))
                for s in e.get("successors") or []:
                    rels.add((s, e["key"]))
    return rels


def check_lineage(r, shared, rep):
    """supersedes edges: exactly the README's table, which is exactly the
    relations recorded in lists.json; each written in the revision the table
    names, from a member of the list then to an older member that is kept as
    a node (README judgment call 10)."""
    table = parse_lineage_table(DATA_README.read_text(encoding="utf-8"))
    rels = lineage_from_json(shared)
    rep.check(table and set(table) == rels,
              "data/README.md's lineage table lists exactly the %d predecessor/successor relations of "
              "lists.json" % len(rels),
              "only in README %s; only in JSON %s" % (sorted(set(table) - rels), sorted(rels - set(table))))
    tags = [c["tag"] for c in r.commits]
    final = r.snapshots.get(LINKS_TAG, ({}, {}))[1]
    got = {(f, to) for (f, t, to) in final if t == "supersedes"}
    rep.check(got == set(table),
              "supersedes edges at the end: %d, exactly the README's lineage table" % len(table),
              "extra %s; missing %s" % (sorted(got - set(table)), sorted(set(table) - got)))
    bad = []
    for (succ, pred), since in sorted(table.items()):
        if since not in tags:
            bad.append("%s -> %s: no revision %s" % (succ, pred, since))
            continue
        i = tags.index(since)
        ek = (succ, "supersedes", pred)
        first = next((j for j, t in enumerate(tags) if ek in r.snapshots[t][1]), None)
        if first != i:
            bad.append("%s -> %s: first at %s, README says %s" % (succ, pred, first is not None and tags[first], since))
            continue
        p = r.snapshots[since][1][ek]
        if p.get("since") != since:
            bad.append("%s -> %s: since %r" % (succ, pred, p.get("since")))
        if any(ek not in r.snapshots[t][1] for t in tags[i:]):
            bad.append("%s -> %s: removed again" % (succ, pred))
        list_key = succ.split("/")[0]
        if succ not in members(r.snapshots[since], list_key):
            bad.append("%s is not a member of %s at %s" % (succ, list_key, since))
        if not any(pred in members(r.snapshots[t], list_key) for t in tags[:i]):
            bad.append("%s was never a member of %s before %s" % (pred, list_key, since))
    rep.check(not bad, "each supersedes edge appears in the README's revision, from a member then to an "
              "earlier member, and stays", "; ".join(bad[:5]))
    retired = sorted({pred for (_, pred) in table})
    lost = [k for k in retired if k not in r.snapshots[tags[-1]][0]]
    rep.check(not lost, "the %d superseded entries stay as nodes" % len(retired), str(lost))


def check_kprogram_en(r, shared, rep):
    """Every K Program technology has an English name from data/kprogram-en.json,
    marked as this project's translation with a basis (README judgment call 9)."""
    kp = json.loads((shared / "kprogram.json").read_text(encoding="utf-8"))
    en = {t["key"]: t for t in json.loads(KPROGRAM_EN.read_text(encoding="utf-8"))["technologies"]}
    nodes = r.snapshots.get(LINKS_TAG, (r.nodes, {}))[0]
    bad = []
    for t in kp["technologies"]:
        n = nodes.get(t["key"])
        want = en.get(t["key"])
        if n is None or want is None:
            bad.append("%s: missing" % t["key"])
            continue
        if n["names"].get("en") != want["name_en"] or n["names"].get("ja") != t["name_ja"]:
            bad.append("%s: names" % t["key"])
        if n["props"].get("name_en_source") != "translation (this project)":
            bad.append("%s: name_en_source" % t["key"])
        if not n["props"].get("name_en_basis"):
            bad.append("%s: no name_en_basis" % t["key"])
    rep.check(not bad and len(en) == len(kp["technologies"]),
              "all %d K Program technologies have an English name marked as this project's translation, "
              "with its basis" % len(kp["technologies"]), "; ".join(bad[:5]))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Replay data/critgraph-dataset.jsonl and check it against the "
                                 "dataset's published figures (README Counts) and JSON files.")
    ap.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL,
                    help="the JSONL change stream (default: data/critgraph-dataset.jsonl)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the dataset directory with README.md and the JSON files "
                         "(default: <repo>/../shared/data)")
    ap.add_argument("--allow-missing-shared", action="store_true",
                    help="if the dataset directory is missing, say so and exit 0 instead of failing")
    args = ap.parse_args(argv)
    rep = Report()

    needed = ["README.md", "lists.json", "kprogram.json", "materials.json", "links.json"]
    missing = [n for n in needed if not (args.shared / n).is_file()]
    if missing:
        print("shared dataset directory %s is missing or incomplete (no %s)" % (args.shared, ", ".join(missing)))
        if args.allow_missing_shared:
            print("skipping all checks (--allow-missing-shared)")
            return rep.finish()
        rep.check(False, "shared dataset available", "pass --shared DIR, or --allow-missing-shared to skip")
        return rep.finish()
    if not rep.check(args.jsonl.is_file(), "JSONL file exists", str(args.jsonl)):
        return rep.finish()

    r = replay(args.jsonl, rep)
    if r is None:
        return rep.finish()
    rx = parse_readme((args.shared / "README.md").read_text(encoding="utf-8"))
    jx = expectations_from_json(args.shared)
    compare_readme_json(rx, jx, rep)
    try:
        run_checks(r, rx, jx, rep)
        check_lineage(r, args.shared, rep)
        check_kprogram_en(r, args.shared, rep)
    except Exception as e:  # a malformed stream must fail, not crash silently
        rep.check(False, "checks ran to completion", "%s: %s" % (type(e).__name__, e))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
