#!/usr/bin/env python3
"""Convert the curated critical-technology lists into critgraph's JSONL change stream.

Reads lists.json, kprogram.json, materials.json and links.json from the shared
dataset directory (default: <repo>/../shared/data) and writes one JSONL file
holding the whole history: one commit per list version, in order of
effective_date, then one final commit with the curated links.

Standard library only. The output is deterministic: running the converter twice
on the same input gives byte-identical files.

The modelling decisions are documented in data/README.md.
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SRC = REPO.parent / "shared" / "data"
DEFAULT_OUT = HERE / "critgraph-dataset.jsonl"

AUTHOR = "critgraph dataset converter"
LINKS_TAG = "curated-links"
LINKS_EFFECTIVE = "2025-10-28"  # date of the seed document
LINKS_SOURCE = "critgraph curation (links.json)"

# The order given in the dataset README ("Notes for the converter"). The
# converter sorts by effective_date and then asserts it got exactly this order.
EXPECTED_ORDER = [
    "us-cet-2020",
    "cn-14fyp-2021",
    "us-cet-2022",
    "kprogram-vision-1",
    "jp-20-areas-2022",
    "materials-2022",
    "kprogram-vision-2",
    "eu-cta-2023",
    "materials-2024",
    "us-cet-2024",
    "kprogram-vision-2-rev-2025-03",
]

# Node kind of the entries of each flat list.
ENTRY_KIND = {
    "us-cet": "foreign_list_entry",
    "eu-cta": "foreign_list_entry",
    "cn-14fyp": "foreign_list_entry",
    "jp-20-areas": "domain",
}

# Short labels used in commit messages.
LIST_LABEL = {
    "us-cet": "US CET",
    "cn-14fyp": "China 14th FYP frontier areas",
    "jp-20-areas": "Japan 20 technology areas",
    "eu-cta": "EU critical technology areas",
    "jp-kprogram": "K Program",
    "jp-materials": "Specified critical materials",
}

KPROGRAM_VERSION_LABEL = {
    "vision-1": "R&D Vision 1",
    "vision-2": "R&D Vision 2",
    "vision-2-rev-2025-03": "R&D Vision 2, partial revision 2025-03",
}

US_LINEAGE_FIELDS = ("lineage", "predecessors", "successors")

# The English names of the K Program technologies: this project's
# translations, kept in the repository (the shared dataset has none).
KPROGRAM_EN = HERE / "kprogram-en.json"


class ConversionError(Exception):
    pass


def load(src, name):
    path = src / name
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ConversionError("missing input file: %s" % path)


def names_of(obj):
    """names map from name_en / name_ja / name_zh, omitting nulls."""
    out = {}
    for lang in ("en", "ja", "zh"):
        v = obj.get("name_" + lang)
        if v is not None:
            out[lang] = v
    return out


def check_value(v, where):
    if isinstance(v, bool) or isinstance(v, str):
        return
    if isinstance(v, int):
        if not -(2 ** 63) <= v < 2 ** 63:
            raise ConversionError("%s: integer out of int64 range" % where)
        return
    if isinstance(v, float):
        return
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return
    raise ConversionError("%s: unsupported property value %r" % (where, v))


def clean_props(props, where):
    """Drop None values, check the rest, return a dict with sorted keys."""
    out = {}
    for k in sorted(props):
        v = props[k]
        if v is None:
            continue
        check_value(v, "%s.%s" % (where, k))
        out[k] = v
    return out


class Stream:
    """Tracks the graph state and emits only the ops that change it."""

    def __init__(self):
        self.lines = []
        self.nodes = {}  # key -> (kind, names, props)
        self.edges = {}  # (from, type, to) -> props
        self.pending = 0
        self.tags = []

    def _emit(self, obj):
        self.lines.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))

    def node(self, key, kind, names, props):
        """Upsert a node. `props` must not contain `source`; `source` is the
        source to record if (and only if) names/props actually change."""
        props = dict(props)
        source = props.pop("source")
        props = clean_props(props, key)
        old = self.nodes.get(key)
        if old is not None:
            okind, onames, oprops = old
            if okind != kind:
                raise ConversionError("%s: kind changes from %s to %s" % (key, okind, kind))
            ocmp = dict(oprops)
            ocmp.pop("source", None)
            if onames == names and ocmp == props:
                return False  # unchanged: keep the earlier source, emit nothing
        props["source"] = source
        props = clean_props(props, key)
        self.nodes[key] = (kind, dict(names), props)
        self._emit({"op": "node", "key": key, "kind": kind, "names": names, "props": props})
        self.pending += 1
        return True

    def edge(self, frm, etype, to, props):
        for k in (frm, to):
            if k not in self.nodes:
                raise ConversionError("edge %s -%s-> %s: endpoint %s does not exist" % (frm, etype, to, k))
        props = clean_props(props, "%s-%s->%s" % (frm, etype, to))
        ek = (frm, etype, to)
        if self.edges.get(ek) == props:
            return False
        self.edges[ek] = props
        self._emit({"op": "edge", "from": frm, "type": etype, "to": to, "props": props})
        self.pending += 1
        return True

    def del_edge(self, frm, etype, to):
        ek = (frm, etype, to)
        if ek not in self.edges:
            raise ConversionError("del_edge of a missing edge %r" % (ek,))
        del self.edges[ek]
        self._emit({"op": "del_edge", "from": frm, "type": etype, "to": to})
        self.pending += 1

    def del_node(self, key):
        if key not in self.nodes:
            raise ConversionError("del_node of a missing node %s" % key)
        del self.nodes[key]
        for ek in [ek for ek in self.edges if key in (ek[0], ek[2])]:
            del self.edges[ek]
        self._emit({"op": "del_node", "key": key})
        self.pending += 1

    def has_edge(self, frm, etype, to):
        return (frm, etype, to) in self.edges

    def commit(self, message, tag, effective):
        if tag in self.tags:
            raise ConversionError("duplicate tag %s" % tag)
        if self.pending == 0:
            raise ConversionError("commit %s would be empty" % tag)
        self.tags.append(tag)
        self._emit({"op": "commit", "message": message, "tag": tag,
                    "effective": effective, "author": AUTHOR})
        self.pending = 0

    def text(self):
        return "".join(line + "\n" for line in self.lines)


def membership(stream, key, list_key, tag, source):
    """part_of edge entry -> list; `since` is the tag where membership began,
    so an existing edge is left alone."""
    if not stream.has_edge(key, "part_of", list_key):
        stream.edge(key, "part_of", list_key, {"since": tag, "source": source})


def list_node(stream, lst, first_source):
    stream.node(lst["key"], "list", names_of(lst), {
        "issuer": lst["issuer"],
        "jurisdiction": lst["jurisdiction"],
        "source": first_source,
    })


# ---------------------------------------------------------------- flat lists

def us_lineage_policy(us_list, warnings):
    """Return the set of US keys whose lineage/predecessors/successors are
    identical in every version that lists them (those keep the fields)."""
    seen = {}
    for v in us_list["versions"]:
        for e in v["entries"]:
            val = json.dumps([e.get(f) for f in US_LINEAGE_FIELDS], ensure_ascii=False, sort_keys=True)
            seen.setdefault(e["key"], set()).add(val)
    keep = set()
    for k in sorted(seen):
        if len(seen[k]) == 1:
            keep.add(k)
        else:
            warnings.append("US %s: lineage fields differ between versions; dropped for this key" % k)
    return keep


def us_supersedes(us_list):
    """The supersedes edges (successor, predecessor, version index) for every
    relation recorded in the US `predecessors` / `successors` fields, read in
    both directions. An edge is written in the version where the relation
    takes effect: the later of the successor's first version and the version
    that drops the predecessor (a predecessor that stays listed, such as
    space-technologies for pnt, gives the successor's first version).
    README judgment call 10."""
    versions = us_list["versions"]
    listed = [set(e["key"] for e in v["entries"]) for v in versions]
    rels = set()
    for v in versions:
        for e in v["entries"]:
            for p in e.get("predecessors") or []:
                rels.add((e["key"], p))
            for s in e.get("successors") or []:
                rels.add((s, e["key"]))

    def first(key):
        return next((i for i, keys in enumerate(listed) if key in keys), None)

    def dropped(key):
        i = first(key)
        return next((j for j in range(i + 1, len(listed)) if key not in listed[j]), None)

    out = []
    for succ, pred in sorted(rels):
        if first(succ) is None or first(pred) is None:
            raise ConversionError("US lineage %s -> %s names a key no version lists" % (succ, pred))
        when = first(succ)
        if dropped(pred) is not None:
            when = max(when, dropped(pred))
        if succ not in listed[when]:
            raise ConversionError("US lineage %s -> %s: the successor is not listed in %s"
                                  % (succ, pred, versions[when]["tag"]))
        if first(pred) >= when:
            raise ConversionError("US lineage %s -> %s: the predecessor is not older" % (succ, pred))
        out.append((succ, pred, when))
    return out


def entry_props(list_key, e, us_keep_lineage):
    p = {}
    if list_key in ("eu-cta", "cn-14fyp"):
        p["number"] = e.get("number")
    if list_key == "eu-cta":
        p["risk_tier"] = e.get("risk_tier")
        p["examples_ja"] = e.get("examples_ja")
    if list_key == "cn-14fyp":
        p["description_ja"] = e.get("description_ja")
    if list_key == "us-cet" and e["key"] in us_keep_lineage:
        for f in US_LINEAGE_FIELDS:
            v = e.get(f)
            if isinstance(v, list) and not v:
                v = None
            p[f] = v
    return p


def flat_version(stream, lst, idx, kept, us_keep_lineage, supersedes):
    """Emit the ops of one version of a flat list (US/EU/CN/JP 20). `kept`:
    the keys that stay as nodes when dropped from the list (link endpoints
    and superseded entries); `supersedes`: us_supersedes() for the US list,
    else empty."""
    list_key = lst["key"]
    v = lst["versions"][idx]
    tag, source = v["tag"], v["source"]
    kind = ENTRY_KIND[list_key]
    if idx == 0:
        list_node(stream, lst, source)
    entries = v["entries"]
    if len(entries) != v.get("entry_count", len(entries)):
        raise ConversionError("%s: entry_count mismatch" % tag)
    prev = lst["versions"][idx - 1]["entries"] if idx > 0 else []
    prev_names = {e["key"]: e.get("name_en") for e in prev}
    cur_keys = [e["key"] for e in entries]
    added = removed = renamed = 0
    for e in entries:
        key = e["key"]
        if key in prev_names:
            if prev_names[key] != e.get("name_en"):
                renamed += 1
        elif idx > 0:
            added += 1
        props = entry_props(list_key, e, us_keep_lineage)
        props["source"] = source
        stream.node(key, kind, names_of(e), props)
        membership(stream, key, list_key, tag, source)
    for e in prev:
        key = e["key"]
        if key in cur_keys:
            continue
        removed += 1
        stream.del_edge(key, "part_of", list_key)
        if key not in kept:
            stream.del_node(key)
    n_sup = 0
    for succ, pred, when in supersedes:
        if when == idx:
            stream.edge(succ, "supersedes", pred, {"since": tag, "source": source})
            n_sup += 1
    msg = "%s %s (%d entries" % (LIST_LABEL[list_key], v["version"], len(entries))
    if idx > 0:
        msg += "; vs %s: %d added, %d removed, %d renamed" % (
            lst["versions"][idx - 1]["version"], added, removed, renamed)
    if n_sup:
        msg += "; %d supersedes %s" % (n_sup, "edge" if n_sup == 1 else "edges")
    msg += ")"
    return msg


# ---------------------------------------------------------------- K Program

def load_kprogram_en(kp):
    """key -> (name_en, basis) from data/kprogram-en.json; every technology
    needs exactly one entry, and its name_ja must match the shared file's
    (so a changed Japanese title cannot keep a stale translation)."""
    try:
        with open(KPROGRAM_EN, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise ConversionError("missing input file: %s" % KPROGRAM_EN)
    ja = {t["key"]: t["name_ja"] for t in kp["technologies"]}
    out = {}
    for t in doc["technologies"]:
        k = t["key"]
        if k not in ja:
            raise ConversionError("kprogram-en.json: %s is not a K Program technology" % k)
        if k in out:
            raise ConversionError("kprogram-en.json: %s listed twice" % k)
        if t["name_ja"] != ja[k]:
            raise ConversionError("kprogram-en.json: %s: name_ja differs from kprogram.json" % k)
        out[k] = (t["name_en"], t["basis"], doc["name_en_source"])
    missing = sorted(set(ja) - set(out))
    if missing:
        raise ConversionError("kprogram-en.json: no English name for %s" % ", ".join(missing))
    return out


def kprogram_version(stream, kp, idx, kp_en):
    v = kp["versions"][idx]
    tag, source = v["tag"], v["source"]
    list_key = kp["key"]
    if idx == 0:
        list_node(stream, kp, source)
    domains = {d["key"]: d for d in kp["domains"]}
    groups = {g["key"]: g for g in kp["groups"]}
    techs = {t["key"]: t for t in kp["technologies"]}

    def ensure_domain(dk):
        if dk in stream.nodes:
            return
        d = domains[dk]
        stream.node(dk, "domain", names_of(d), {
            "order": d["order"], "description_ja": d.get("description_ja"), "source": source})
        stream.edge(dk, "part_of", list_key, {"since": tag, "source": source})

    def ensure_group(gk):
        if gk in stream.nodes:
            return
        g = groups[gk]
        ensure_domain(g["domain"])
        parent = g["parent"]
        if parent is not None:
            ensure_group(parent)
        stream.node(gk, "domain", names_of(g), {
            "group_kind": g["kind"], "order": g["order"], "source": source})
        stream.edge(gk, "part_of", parent if parent is not None else g["domain"],
                    {"since": tag, "source": source})

    added = sorted(v["added"], key=lambda k: techs[k]["order"])
    for tk in added:
        t = techs[tk]
        if t["introduced_in"] != v["version"]:
            raise ConversionError("%s: introduced_in %s but added in %s" % (tk, t["introduced_in"], v["version"]))
        if tk in stream.nodes:
            raise ConversionError("%s added twice" % tk)
        ensure_domain(t["domain"])
        ensure_group(t["group"])
        en, basis, en_source = kp_en[tk]
        names = dict(names_of(t))
        if "en" in names:
            raise ConversionError("%s: kprogram.json now has an English name" % tk)
        names = {"en": en, **names}  # names in the order en, ja, zh
        stream.node(tk, "technology", names, {
            "introduced_in": t["introduced_in"], "marker": t.get("marker"),
            "order": t["order"], "name_en_source": en_source, "name_en_basis": basis,
            "source": source})
        stream.edge(tk, "part_of", t["group"], {"since": tag, "source": source})
        stream.edge(tk, "part_of", list_key, {"since": tag, "source": source})
    total = sum(1 for k, n in stream.nodes.items() if n[0] == "technology" and k.startswith(list_key + "/"))
    if total != v.get("cumulative_count", total) or len(added) != v.get("added_count", len(added)):
        raise ConversionError("%s: technology counts do not match the file" % tag)
    return "%s %s (%d %s added, %d in all)" % (
        LIST_LABEL[list_key], KPROGRAM_VERSION_LABEL.get(v["version"], v["version"]), len(added),
        "technology" if len(added) == 1 else "technologies", total)


# ---------------------------------------------------------------- materials

def materials_version(stream, mat, idx):
    v = mat["versions"][idx]
    tag, source, version = v["tag"], v["source"], v["version"]
    list_key = mat["key"]
    if idx == 0:
        list_node(stream, mat, source)
    materials = {m["key"]: m for m in mat["materials"]}
    added_m = added_i = 0
    for mk in v["materials"]:
        m = materials[mk]
        if mk not in stream.nodes:
            added_m += 1
            stream.node(mk, "material", names_of(m), {
                "ministry": m.get("ministry"),
                "ministry_en": m.get("ministry_en"),
                "certified_plans": m.get("certified_plans"),
                "certified_plans_as_of": mat.get("certified_plans_as_of"),
                "rd_support": m.get("rd_support"),
                "support_measures_ja": m.get("support_measures_ja"),
                "source": source,
            })
            membership(stream, mk, list_key, tag, source)
        for it in m["items"]:
            ik = it["key"]
            if ik in stream.nodes:
                continue
            # an item comes with its material unless it has a later added_in
            if it.get("added_in", m["designated_in"]) > version:
                continue
            added_i += 1
            stream.node(ik, "material", names_of(it), {"source": source})
            stream.edge(ik, "part_of", mk, {"since": tag, "source": source})
    if len(v["materials"]) != v.get("count", len(v["materials"])):
        raise ConversionError("%s: count mismatch" % tag)
    msg = "%s %s (%d materials" % (LIST_LABEL[list_key], version, len(v["materials"]))
    if idx > 0:
        msg += "; added %d %s and %d %s" % (
            added_m, "material" if added_m == 1 else "materials",
            added_i, "item" if added_i == 1 else "items")
    else:
        msg += ", %d items" % added_i
    return msg + ")"


# ---------------------------------------------------------------- links

def links_commit(stream, links):
    counts = {}
    for ln in sorted(links["links"], key=lambda l: (l["type"], l["from"], l["to"])):
        props = {"basis": ln["basis"], "confidence": ln["confidence"], "source": LINKS_SOURCE}
        for f in ("relation", "nature", "from_version", "to_version"):
            if ln.get(f) is not None:
                props[f] = ln[f]
        stream.edge(ln["from"], ln["type"], ln["to"], props)
        counts[ln["type"]] = counts.get(ln["type"], 0) + 1
    parts = ", ".join("%d %s" % (counts[t], t) for t in sorted(counts))
    return ("Curated cross-list links (%s). These are this project's curation "
            "(links.json), not official data." % parts)


# ---------------------------------------------------------------- main

def convert(src):
    lists = load(src, "lists.json")
    kp = load(src, "kprogram.json")
    mat = load(src, "materials.json")
    links = load(src, "links.json")

    kept = set()  # dropped entries that stay as nodes
    for ln in links["links"]:
        kept.add(ln["from"])
        kept.add(ln["to"])

    warnings = []
    us = next(l for l in lists["lists"] if l["key"] == "us-cet")
    us_keep = us_lineage_policy(us, warnings)
    us_sup = us_supersedes(us)
    kept.update(pred for _, pred, _ in us_sup)
    kp_en = load_kprogram_en(kp)

    # (effective_date, tag, callable) for every version of every list
    jobs = []
    for lst in lists["lists"]:
        if lst["key"] not in ENTRY_KIND:
            raise ConversionError("unknown list %s" % lst["key"])
        for i, v in enumerate(lst["versions"]):
            jobs.append((v["effective_date"], v["tag"],
                         (lambda s, lst=lst, i=i: flat_version(
                             s, lst, i, kept, us_keep, us_sup if lst is us else []))))
    for i, v in enumerate(kp["versions"]):
        jobs.append((v["effective_date"], v["tag"], (lambda s, i=i: kprogram_version(s, kp, i, kp_en))))
    for i, v in enumerate(mat["versions"]):
        jobs.append((v["effective_date"], v["tag"], (lambda s, i=i: materials_version(s, mat, i))))
    jobs.sort(key=lambda j: (j[0], j[1]))
    order = [j[1] for j in jobs]
    if order != EXPECTED_ORDER:
        raise ConversionError("version order %s differs from the README's %s" % (order, EXPECTED_ORDER))

    stream = Stream()
    for effective, tag, job in jobs:
        msg = job(stream)
        stream.commit(msg, tag, effective)
    stream.commit(links_commit(stream, links), LINKS_TAG, LINKS_EFFECTIVE)
    return stream, warnings


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Convert the curated critical-technology lists (lists.json, kprogram.json, "
                    "materials.json, links.json) into critgraph's JSONL change stream: one commit "
                    "per list version in order of effective_date, then one commit with the curated links.")
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC,
                    help="directory holding the dataset JSON files (default: <repo>/../shared/data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="output JSONL file (default: data/critgraph-dataset.jsonl in the repo)")
    args = ap.parse_args(argv)
    try:
        stream, warnings = convert(args.src)
    except ConversionError as e:
        print("convert.py: error: %s" % e, file=sys.stderr)
        return 1
    for w in warnings:
        print("convert.py: warning: %s" % w, file=sys.stderr)
    data = stream.text().encode("utf-8")
    tmp = args.out.with_name(args.out.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    tmp.replace(args.out)
    n_nodes = len(stream.nodes)
    n_edges = len(stream.edges)
    print("wrote %s: %d lines, %d revisions, %d nodes, %d edges at the end, %d bytes" % (
        args.out, len(stream.lines), len(stream.tags), n_nodes, n_edges, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
