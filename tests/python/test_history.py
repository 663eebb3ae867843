"""DB.history: one node's changes, its edges', and its lineage."""
import json
import os
import subprocess

import pytest

import critgraph
from conftest import small_graph


@pytest.fixture
def g(db):
    return small_graph(db)


def test_node_history(g):
    h = g.history("b")
    # Newest first: renamed in r2, added in r1.
    assert [(e["revision"], e["action"]) for e in h] == [
        (2, "modified"), (1, "added")]
    renamed, added = h
    assert renamed["tags"] == ["latest", "r2"]
    assert renamed["effective"] == "2021-06-30"
    assert renamed["message"] == "second"
    assert renamed["entity"] == "node" and renamed["key"] == "b"
    assert renamed["kind"] == "technology"
    assert renamed["changes"] == {"names": {"en": {"old": "B", "new": "B2"}}}
    assert added["author"] == "alice"
    assert added["changes"] == {"names": {"en": {"old": None, "new": "B"}}}
    assert renamed["subject"] == "b" and renamed["lineage"] == ["b"]
    # Property values keep their Python types.
    [a] = g.history("a")
    assert a["changes"]["props"]["n"] == {"old": None, "new": 1}
    assert a["changes"]["props"]["x"]["new"] == 1.5
    assert a["changes"]["props"]["ok"]["new"] is True
    assert a["changes"]["props"]["l"]["new"] == ["p", "q"]


def test_edges_and_at(g):
    h = g.history("a", edges=True)
    edges = [(e["revision"], e["action"], tuple(e["edge"]), e["changes"])
             for e in h if e["entity"] == "edge"]
    assert edges == [
        (2, "modified", ("a", "part_of", "b"),
         {"props": {"w": {"old": 1, "new": 2}}}),
        (1, "added", ("a", "part_of", "b"),
         {"props": {"w": {"old": None, "new": 1}}}),
    ]
    assert [e["revision"] for e in g.history("b", at="r1")] == [1]
    assert [e["revision"] for e in g.history("b", at=1)] == [1]


def test_deletes_readds_and_follow(db):
    with db.transaction(message="1") as tx:
        tx.put_node("old", "technology", names={"en": "Old"})
    with db.transaction(message="2") as tx:
        tx.put_node("new", "technology")
        tx.put_edge("new", "supersedes", "old")
    with db.transaction(message="3") as tx:
        tx.delete_node("old")
    with db.transaction(message="4") as tx:
        tx.put_node("old", "material")
    assert [(e["revision"], e["action"], e["kind"])
            for e in db.history("old")] == [
        (4, "added", "material"), (3, "removed", "technology"),
        (1, "added", "technology")]
    assert len(db.history("new")) == 1
    followed = db.history("new", follow=True)
    steps = [(e["revision"], e["action"]) for e in followed
             if e.get("lineage_step")]
    assert steps == [(3, "removed"), (2, "added")]
    assert {tuple(e["lineage"]) for e in followed if e["subject"] == "old"} \
        == {("new", "old")}
    assert [e["revision"] for e in followed if e["subject"] == "old"] == \
        [4, 3, 1]


def test_errors(g):
    with pytest.raises(critgraph.NotFoundError, match="'nope'"):
        g.history("nope")
    with pytest.raises(critgraph.NotFoundError):
        g.history("d", at="r1")  # d was added in r2
    with pytest.raises(critgraph.NotFoundError):
        g.history("a", at=99)
    with pytest.raises(critgraph.InvalidInputError):
        g.history("a", at="HEAD~x")


def test_same_as_cli(dataset_db):
    """The binding returns the entries of `critgraph history --json`."""
    cli = os.environ.get("CRITGRAPH_CLI")
    if not cli:
        pytest.skip("CRITGRAPH_CLI not set")
    dataset_db_path = dataset_db.path
    out = subprocess.run(
        [cli, "history", "us-cet/quantum", "--edges", "--json", "--db",
         dataset_db_path], check=True, capture_output=True, text=True).stdout
    assert json.loads(out)["history"] == \
        dataset_db.history("us-cet/quantum", edges=True)
