"""Lists, crosswalks and find from Python (issue 13, items 3-5): the
list= argument of diff/reach/export/stats, Snapshot.find, .crosswalk,
.list_entries, DB.lists and DB.list_changes. Expectations come from the
pre-existing calls (scoped diffs, reach) and from the dataset file."""
import json

import pytest

import critgraph

from conftest import DATASET


def members(snap, key):
    return {k for k, _ in snap.reach(key, direction="in",
                                     edge_types=["part_of"])} - {key}


def test_diff_list_equals_three_argument_scope(dataset_db):
    d = dataset_db.diff("us-cet-2020", "us-cet-2024", list="us-cet")
    want = dataset_db.diff("us-cet-2020", "us-cet-2024", scope="us-cet",
                           direction="in", edge_types=["part_of"])
    assert d.to_dict() == want.to_dict()
    assert not d.empty
    with pytest.raises(critgraph.InvalidInputError):
        dataset_db.diff(1, 10, list="us-cet", scope="us-cet")
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        dataset_db.diff(1, 10, list="nosuch")
    with pytest.raises(critgraph.InvalidInputError, match="not a list"):
        dataset_db.diff(1, 10, list="us-cet/quantum")


def test_list_entries_reach_stats_export(dataset_db, tmp_path):
    head = dataset_db.snapshot()
    entries = head.list_entries("jp-materials")
    assert {k for k, _, _ in entries} == members(head, "jp-materials")
    assert all(parent is not None and depth >= 1
               for _, depth, parent in entries)
    # reach(list=): the full walk, filtered to the list's scope.
    walk = dict(direction="in", edge_types=["depends_on", "part_of"])
    full = head.reach("jp-materials/critical-minerals", **walk)
    inside = head.reach("jp-materials/critical-minerals", list="jp-kprogram",
                        **walk)
    kp = members(head, "jp-kprogram")
    assert inside == [n for n in full if n[1] == 0 or n[0] in kp]
    assert len(inside) > 1
    # stats(list=): the scope's counts; the whole revision without it.
    s = head.stats(list="us-cet")
    assert s["entries"] == len(members(head, "us-cet"))
    assert s["nodes"] == s["entries"] + 1
    assert s["nodes_by_kind"]["list"] == 1
    assert head.stats()["nodes"] == head.node_count
    # export(list=) re-imports to exactly that scope.
    path = str(tmp_path / "us.jsonl")
    head.export(path, list="us-cet")
    with critgraph.open(str(tmp_path / "copy"), sync=False) as copy:
        copy.import_jsonl(path)
        c = copy.snapshot()
        assert c.node_count == s["nodes"]
        assert c.edge_count == s["edges"]
        assert members(c, "us-cet") == members(head, "us-cet")
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        head.export(str(tmp_path / "never.jsonl"), list="nosuch")
    assert not (tmp_path / "never.jsonl").exists()


def test_lists_and_list_changes(dataset_db):
    lists = dataset_db.lists()
    assert [l["key"] for l in lists] == sorted(l["key"] for l in lists)
    head = dataset_db.snapshot()
    by_tag = {r.number: r.tags for r in dataset_db.log()}
    for l in lists:
        assert l["entries"] == len(members(head, l["key"]))
        assert sum(l["entries_by_kind"].values()) == l["entries"]
        changes = dataset_db.list_changes(l["key"])
        assert changes[-1] == l["last_change"]
        # Each change is one of the list's own versions (its tags).
        assert all(by_tag[r] for r in changes)
    assert dataset_db.list_changes("us-cet") == [
        dataset_db.resolve(t)
        for t in ("us-cet-2020", "us-cet-2022", "us-cet-2024")]
    assert [l["key"] for l in dataset_db.lists("us-cet-2020")] == ["us-cet"]
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        dataset_db.list_changes("nosuch")


def test_crosswalk_rows(dataset_db):
    head = dataset_db.snapshot()
    jp, us = members(head, "jp-20-areas"), members(head, "us-cet")
    links = set()
    with open(DATASET, encoding="utf-8") as f:
        for line in f:
            op = json.loads(line)
            if op.get("type") != "maps_to":
                continue
            if op["from"] in jp and op["to"] in us:
                links.add((op["from"], op["to"], op["props"]["relation"]))
    rows = head.crosswalk("jp-20-areas", "us-cet", dataframe=False)
    got = {(r["a_key"], r["b_key"], r["relation"])
           for r in rows if r["a_key"] and r["b_key"]}
    assert got == links
    unmapped_a = {r["a_key"] for r in rows if not r["b_key"]}
    unmapped_b = {r["b_key"] for r in rows if not r["a_key"]}
    assert unmapped_a == jp - {a for a, _, _ in links}
    assert unmapped_b == us - {b for _, b, _ in links}
    # The JSON document is the CLI's.
    doc = json.loads(head.crosswalk_json("jp-20-areas", "us-cet"))
    assert doc["counts"]["links"] == len(links)
    # The matrix: one row per other list.
    matrix = head.crosswalk("jp-20-areas", all=True, dataframe=False)
    assert {r["list_b"] for r in matrix} == (
        {l["key"] for l in dataset_db.lists()} - {"jp-20-areas"})
    assert [r["links"] for r in matrix if r["list_b"] == "us-cet"] == [
        len(links)]
    # Auto: a DataFrame when pandas is importable, else the same list.
    try:
        import pandas  # noqa: F401
        assert len(head.crosswalk("jp-20-areas", "us-cet")) == len(rows)
    except ImportError:
        assert head.crosswalk("jp-20-areas", "us-cet") == rows
    with pytest.raises(critgraph.InvalidInputError):
        head.crosswalk("jp-20-areas")            # neither list_b nor all
    with pytest.raises(critgraph.InvalidInputError):
        head.crosswalk("us-cet", "us-cet")
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        head.crosswalk("nosuch", "us-cet")


def test_find(dataset_db):
    head = dataset_db.snapshot()
    found = head.find("QUANTUM")
    assert found, "no quantum entries"
    for m in found:
        texts = [m["key"]] + list(m["names"].values())
        assert any("quantum" in t.lower() for t in texts)
    assert [m["key"] for m in found] == sorted(m["key"] for m in found)
    keys = {n.key for n in head.nodes()
            if "quantum" in n.key.lower()
            or any("quantum" in t.lower() for t in n.names.values())}
    assert {m["key"] for m in found} == keys
    ja = head.find("量子")
    assert ja and all(any("量子" in t for t in m["names"].values())
                      for m in ja)
    assert ({m["key"] for m in head.find(kind="material")}
            == {n.key for n in head.nodes(kind="material")})
    assert ({m["key"] for m in head.find(list="us-cet")}
            == members(head, "us-cet"))
    assert head.find("no-such-text") == []
    with pytest.raises(critgraph.InvalidInputError, match="nosuch"):
        head.find("x", kind="nosuch")
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        head.find("x", list="nosuch")
