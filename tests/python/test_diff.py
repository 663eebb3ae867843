"""DB.diff, Diff, DB.reach_diff."""
import json

import pytest

import critgraph
from conftest import small_graph


@pytest.fixture
def g(db):
    return small_graph(db)


def test_unscoped_diff(g):
    d = g.diff("r1", "r2")
    assert (d.from_revision, d.to_revision) == (1, 2)
    assert not d.empty
    assert [n.key for n in d.nodes.added] == ["d"]
    assert d.nodes.removed == []
    [change] = d.nodes.modified
    assert change.key == "b"
    assert change.names == {"en": ("B", "B2")}
    assert change.props == {}
    assert change.kind_before == change.kind_after == "technology"
    assert change.before.names == {"en": "B"}
    assert change.after.names == {"en": "B2"}
    assert [e.id for e in d.edges.added] == [("c", "depends_on", "d")]
    [echange] = d.edges.modified
    assert echange.id == ("a", "part_of", "b")
    assert echange.props == {"w": (1, 2)}
    assert (echange.before, echange.after) == ({"w": 1}, {"w": 2})
    assert d.stat()["nodes"] == {"added": 1, "removed": 0, "modified": 1}
    assert d.stat()["nodes_by_kind"]["material"]["added"] == 1
    assert d.stat() == g.revision_stat(2)
    assert "Diff 1..2" in repr(d) and "added=1" in repr(d.nodes)
    assert "NodeChange('b'" in repr(change)

    back = g.diff(2, 1)
    assert [n.key for n in back.nodes.removed] == ["d"]
    assert g.diff(1, 1).empty
    assert g.diff(0, 2).stat()["nodes"]["added"] == 4


def test_to_dict_and_to_json(g):
    d = g.diff(1, 2)
    as_dict = d.to_dict()
    assert as_dict == json.loads(d.to_json())
    assert as_dict["from"] == 1 and as_dict["to"] == 2
    assert as_dict["nodes"]["added"] == ["d"]
    assert as_dict["nodes"]["modified"][0]["changes"]["names"] == {
        "en": {"old": "B", "new": "B2"}}
    assert as_dict["edges"]["added"] == [["c", "depends_on", "d"]]


def test_to_jsonl_patch_turns_a_into_b(g, tmp_path):
    d = g.diff(1, 2)
    lines = d.to_jsonl().splitlines()
    assert d.to_jsonl().endswith("\n")
    assert all(json.loads(line)["op"] != "commit" for line in lines)
    # Apply the patch to a copy of revision 1: the digest equals revision 2.
    g.snapshot(1).export(str(tmp_path / "r1.jsonl"))
    with critgraph.open(str(tmp_path / "copy")) as copy:
        copy.import_jsonl(str(tmp_path / "r1.jsonl"))
        assert copy.snapshot().digest == g.snapshot(1).digest
        with copy.transaction(message="patch") as tx:
            for line in lines:
                tx.apply(line)
        assert copy.snapshot().digest == g.snapshot(2).digest


def test_scoped_diff(g):
    # Scope: what reaches "c" over part_of, against the edges.
    d = g.diff(1, 2, scope="c", direction="in", edge_types=["part_of"])
    assert d.nodes.added == []
    assert [c.key for c in d.nodes.modified] == ["b"]
    d = g.diff(1, 2, scope="c", direction="out")
    assert [n.key for n in d.nodes.added] == ["d"]
    d = g.diff(1, 2, scope="a", max_depth=1)
    assert [c.key for c in d.nodes.modified] == ["b"]
    assert d.nodes.added == []
    with pytest.raises(critgraph.NotFoundError):
        g.diff(1, 2, scope="ghost")
    with pytest.raises(critgraph.InvalidInputError):
        g.diff(1, 2, scope="a", edge_types=["nope"])
    with pytest.raises(critgraph.NotFoundError):
        g.diff(1, 5)
    with pytest.raises(critgraph.NotFoundError):
        g.diff("r1", "nope")


def test_diff_registrations(db):
    small_graph(db)
    with db.transaction() as tx:
        tx.register_edge_type("funds")
    d = db.diff(2, 3)
    assert d.empty
    assert d.edge_types_registered == ["funds"]
    assert d.node_kinds_registered == []


def test_diff_outlives_db(tmp_path):
    with critgraph.open(str(tmp_path / "db")) as db:
        small_graph(db)
        d = db.diff(1, 2)
    assert d.nodes.added[0].key == "d"
    assert d.to_dict()["to"] == 2


def test_reach_diff(g):
    rd = g.reach_diff(1, 2, "a")
    assert rd.entered == [("d", 3)]
    assert rd.left == [] and rd.depth_changed == []
    assert not rd.empty
    assert rd.to_dict() == {"entered": [("d", 3)], "left": [],
                            "depth_changed": []}
    back = g.reach_diff("r2", "r1", ["a"])
    assert back.left == [("d", 3)]
    assert g.reach_diff(1, 2, "a", edge_types=["part_of"]).empty
    # A source that exists only at one end is allowed.
    rd = g.reach_diff(1, 2, "d", direction="in")
    assert rd.entered == [("d", 0), ("c", 1), ("b", 2), ("a", 3)]
    with pytest.raises(critgraph.NotFoundError):
        g.reach_diff(1, 2, "ghost")
    with pytest.raises(critgraph.InvalidInputError):
        g.reach_diff(1, 2, "a", edge_types=["nope"])
    assert "ReachDiff" in repr(rd)


def test_diff_lineage_split_and_rename(db):
    """Diff.lineage: a split read from supersedes edges and a same-key
    rename, in the list's scope; the same events in to_dict()."""
    with db.transaction(tag="v1") as tx:
        tx.put_node("l", "list")
        for key, name in (("l/a", "A"), ("l/q", "Q")):
            tx.put_node(key, "foreign_list_entry", names={"en": name})
            tx.put_edge(key, "part_of", "l")
    with db.transaction(tag="v2") as tx:
        tx.delete_edge("l/a", "part_of", "l")  # l/a stays as a node
        for key in ("l/b", "l/c"):
            tx.put_node(key, "foreign_list_entry", names={"en": key})
            tx.put_edge(key, "part_of", "l")
            tx.put_edge(key, "supersedes", "l/a")
        tx.put_node("l/q", "foreign_list_entry", names={"en": "Q2"})
    d = db.diff("v1", "v2", scope="l", direction="in", edge_types=["part_of"])
    assert [(e["kind"], e["from"], e["to"]) for e in d.lineage] == [
        ("split", ["l/a"], ["l/b", "l/c"]),
        ("renamed", ["l/q"], ["l/q"])]
    assert d.lineage[0]["text"] == "l/a split into l/b, l/c"
    assert d.lineage[1]["names"] == {"en": ("Q", "Q2")}
    as_dict = d.to_dict()
    assert [e["kind"] for e in as_dict["lineage"]] == ["split", "renamed"]
    assert as_dict["nodes"]["removed_nodes"] == [
        {"key": "l/a", "kind": "foreign_list_entry", "names": {"en": "A"}}]
    # Unscoped, l/a still exists: it continues beside its successors.
    u = db.diff("v1", "v2")
    assert ("split", ["l/a"], ["l/a", "l/b", "l/c"]) in [
        (e["kind"], e["from"], e["to"]) for e in u.lineage]
    # No change, no lineage.
    assert db.diff("v2", "v2").lineage == []
