"""Snapshot reads and traversal."""
import pytest

import critgraph
from conftest import small_graph


@pytest.fixture
def g(db):
    return small_graph(db)


def test_snapshot_by_number_and_name(g):
    s1, s2 = g.snapshot(1), g.snapshot("r2")
    assert (s1.revision, s2.revision) == (1, 2)
    assert g.snapshot().revision == 2
    assert g.snapshot("HEAD~1").revision == 1
    assert g.snapshot("@2020-06-01").revision == 1
    assert s1.info.tags == ["r1"]
    assert (s1.node_count, s1.edge_count) == (3, 2)
    assert (s2.node_count, s2.edge_count) == (4, 3)
    assert s1.digest == g.log()[1].digest
    assert s1.digest != s2.digest
    assert "revision=1" in repr(s1)


def test_nodes_and_edges(g):
    s = g.snapshot(2)
    assert [n.key for n in s.nodes()] == ["a", "b", "c", "d"]
    assert [n.key for n in s.nodes("material")] == ["c", "d"]
    assert [n.key for n in s.nodes(kind="technology")] == ["b"]
    assert s.nodes("list") == []
    with pytest.raises(critgraph.InvalidInputError):
        s.nodes("no_such_kind")
    assert [e.id for e in s.edges()] == [
        ("a", "part_of", "b"), ("b", "part_of", "c"), ("c", "depends_on", "d")]
    assert s.node("b").names == {"en": "B2"}
    assert g.snapshot(1).node("b").names == {"en": "B"}
    assert s.has_node("d") and "d" in s
    assert not g.snapshot(1).has_node("d") and "d" not in g.snapshot(1)
    assert 3 not in s
    assert "domain" in s.node_kinds() and "part_of" in s.edge_types()


def test_out_and_in_edges(g):
    s = g.snapshot(2)
    assert [e.to_key for e in s.out_edges("b")] == ["c"]
    assert [e.from_key for e in s.in_edges("b")] == ["a"]
    assert [e.id for e in s.out_edges("c", types=["depends_on"])] == [
        ("c", "depends_on", "d")]
    assert s.out_edges("c", types="part_of") == []
    assert s.out_edges("c", types=("part_of", "depends_on"))[0].to_key == "d"
    assert s.out_edges("a")[0].props == {"w": 2}
    assert g.snapshot(1).out_edges("a")[0].props == {"w": 1}
    with pytest.raises(critgraph.NotFoundError):
        s.out_edges("nope")
    with pytest.raises(critgraph.NotFoundError):
        s.in_edges("nope")
    # As in C++: an unregistered type simply matches no edge here.
    assert s.out_edges("a", types=["no_such_type"]) == []
    with pytest.raises(critgraph.InvalidInputError):
        s.out_edges("a", types=[1])


def test_reach(g):
    s = g.snapshot(2)
    assert s.reach("a") == [("a", 0), ("b", 1), ("c", 2), ("d", 3)]
    assert s.reach(["a"], edge_types=["part_of"]) == [
        ("a", 0), ("b", 1), ("c", 2)]
    assert s.reach("a", max_depth=1) == [("a", 0), ("b", 1)]
    assert s.reach("a", max_depth=0) == [("a", 0)]
    assert s.reach("d", direction="in") == [
        ("d", 0), ("c", 1), ("b", 2), ("a", 3)]
    assert s.reach("c", direction="both", max_depth=1) == [
        ("c", 0), ("b", 1), ("d", 1)]
    assert s.reach("a", kinds=["technology"]) == [("a", 0), ("b", 1)]
    assert s.reach(["a", "d"], max_depth=1) == [
        ("a", 0), ("d", 0), ("b", 1)]
    assert s.reach("a", max_depth=2, parents=True) == [
        ("a", 0, None), ("b", 1, "a"), ("c", 2, "b")]
    assert g.snapshot(1).reach("a") == [("a", 0), ("b", 1), ("c", 2)]
    with pytest.raises(critgraph.NotFoundError):
        s.reach("nope")
    with pytest.raises(critgraph.InvalidInputError):
        s.reach("a", direction="up")
    with pytest.raises(critgraph.InvalidInputError):
        s.reach("a", edge_types=["nope"])
    with pytest.raises(critgraph.InvalidInputError):
        s.reach("a", kinds=["nope"])
    with pytest.raises(critgraph.InvalidInputError):
        s.reach("a", max_depth=-1)
    with pytest.raises(critgraph.NotFoundError):
        g.snapshot(1).reach("d")


def test_neighbourhood(g):
    s = g.snapshot(2)
    assert s.neighbourhood("b", 1, direction="both") == [
        ("b", 0), ("a", 1), ("c", 1)]
    assert s.neighbourhood("b", 0) == [("b", 0)]
    with pytest.raises(critgraph.InvalidInputError):
        s.neighbourhood("b", -1)


def test_path(g):
    s = g.snapshot(2)
    assert s.path("a", "d") == ["a", "b", "c", "d"]
    assert s.path("a", "a") == ["a"]
    assert s.path("d", "a") is None
    assert s.path("d", "a", direction="in") == ["d", "c", "b", "a"]
    assert s.path("a", "d", edge_types=["part_of"]) is None
    assert s.path("a", "d", max_depth=2) is None
    assert s.path("a", "c", kinds=["technology", "material"]) == [
        "a", "b", "c"]
    assert g.snapshot(1).path("a", "c", direction="both") == ["a", "b", "c"]
    with pytest.raises(critgraph.NotFoundError):
        s.path("a", "nope")
