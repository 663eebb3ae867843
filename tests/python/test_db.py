"""critgraph.open, DB methods, the Node/Edge mappings, closing."""
import collections.abc
import datetime
import os
import subprocess
import sys
import textwrap

import pytest

import critgraph
from conftest import small_graph


def test_open_empty(tmp_path):
    path = str(tmp_path / "db")
    with critgraph.open(path) as db:
        assert db.head == 0
        assert db.log() == []
        assert db.path == path
        assert not db.read_only
        assert not db.closed
        assert "critgraph.DB" in repr(db)
        snap = db.snapshot(0)
        assert snap.revision == 0
        assert snap.nodes() == []
        assert len(snap.digest) == 32
    assert db.closed
    assert "closed" in repr(db)


def test_open_missing_without_create(tmp_path):
    with pytest.raises(critgraph.NotFoundError):
        critgraph.open(str(tmp_path / "nope"), create=False)


def test_module_constants():
    assert "technology" in critgraph.BUILTIN_NODE_KINDS
    assert "part_of" in critgraph.BUILTIN_EDGE_TYPES
    assert critgraph.__version__


def test_log_resolve_revision_tag(db):
    small_graph(db)
    assert db.head == 2
    log = db.log()
    assert [r.number for r in log] == [2, 1]
    r1 = log[1]
    assert r1.message == "first"
    assert r1.author == "alice"
    assert r1.tags == ["r1"]
    assert r1.effective_date == "2020-01-01"
    assert r1.parent == 0
    assert (r1.node_count, r1.edge_count) == (3, 2)
    assert r1.change_count == 5
    snap1 = db.snapshot(1)
    kinds, types = {}, {}
    for n in snap1.nodes():
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
    for e in snap1.edges():
        types[e.type] = types.get(e.type, 0) + 1
    assert r1.nodes_by_kind == kinds
    assert r1.edges_by_type == types
    assert r1.to_dict()["nodes_by_kind"] == kinds
    assert isinstance(r1.commit_time, datetime.datetime)
    assert r1.commit_time.tzinfo is not None
    assert r1.to_dict()["digest"] == r1.digest
    assert log[0].tags == ["latest", "r2"]
    assert "RevisionInfo(number=2" in repr(log[0])

    assert db.resolve("r1") == 1
    assert db.resolve("HEAD") == 2
    assert db.resolve("HEAD~1") == 1
    assert db.resolve("@2020-12-31") == 1
    assert db.resolve("@2022-01-01") == 2
    assert db.resolve("2") == 2
    assert db.resolve(1) == 1
    assert db.revision("latest").number == 2
    with pytest.raises(critgraph.NotFoundError):
        db.resolve("nope")
    with pytest.raises(critgraph.NotFoundError):
        db.resolve(7)
    with pytest.raises(critgraph.InvalidInputError):
        db.resolve("HEAD~x")

    db.tag("first-again", 1)
    assert db.resolve("first-again") == 1
    db.tag("moving", "r1")
    with pytest.raises(critgraph.InvalidInputError):
        db.tag("moving", 2)
    db.tag("moving", 2, force=True)
    assert db.resolve("moving") == 2
    db.tag("at-head")
    assert db.resolve("at-head") == 2
    with pytest.raises(critgraph.NotFoundError):
        db.tag("x", 9)
    with pytest.raises(critgraph.InvalidInputError):
        db.tag("bad tag name!", 1)


def test_revision_stat_and_verify(db):
    small_graph(db)
    stat = db.revision_stat(2)
    assert stat["nodes"] == {"added": 1, "removed": 0, "modified": 1}
    assert stat["edges"] == {"added": 1, "removed": 0, "modified": 1}
    assert stat["edges_by_type"]["depends_on"]["added"] == 1
    report = db.verify()
    assert report["ok"] and report["problems"] == []
    assert report["revisions_checked"] >= 2


def test_node_is_a_read_only_mapping(db):
    small_graph(db)
    node = db.snapshot("r1").node("a")
    assert isinstance(node, collections.abc.Mapping)
    assert list(node) == ["key", "kind", "names", "props"]
    assert len(node) == 4
    assert node["key"] == node.key == "a"
    assert node["kind"] == "domain"
    assert node.names == {"en": "A", "ja": "エー"}
    assert node.name("ja") == "エー" and node.name("zh") is None
    assert node.props == {"n": 1, "x": 1.5, "ok": True, "s": "text",
                          "l": ["p", "q"]}
    assert type(node.props["n"]) is int
    assert type(node.props["ok"]) is bool
    assert type(node.props["x"]) is float
    assert "kind" in node and "nope" not in node
    assert node.get("nope") is None and node.get("kind") == "domain"
    assert dict(node) == node.to_dict()
    assert node == node.to_dict()
    assert node == db.snapshot("r1").node("a")
    assert node != db.snapshot("r1").node("b")
    assert {node: 1}[db.snapshot(1).node("a")] == 1
    assert dict(node.items())["key"] == "a"
    assert node.keys() == ["key", "kind", "names", "props"]
    with pytest.raises(KeyError):
        node["nope"]
    node.props["n"] = 5  # a fresh dict: the node does not change
    assert node.props["n"] == 1
    with pytest.raises(AttributeError):
        node.key = "b"
    assert "Node(key='a'" in repr(node)


def test_edge_mapping(db):
    small_graph(db)
    e = db.snapshot(1).edge("a", "part_of", "b")
    assert isinstance(e, collections.abc.Mapping)
    assert (e.from_key, e.type, e.to_key) == ("a", "part_of", "b")
    assert e.id == ("a", "part_of", "b")
    assert e["from"] == "a" and e["to"] == "b" and e.props == {"w": 1}
    assert dict(e) == {"from": "a", "type": "part_of", "to": "b",
                       "props": {"w": 1}}
    assert e == e.to_dict()
    assert hash(e) == hash(db.snapshot(1).edge("a", "part_of", "b"))
    with pytest.raises(critgraph.NotFoundError):
        db.snapshot(1).edge("a", "part_of", "c")


def test_property_types_round_trip(db):
    big = 2**63 - 1
    with db.transaction() as tx:
        tx.put_node("p", "domain", props={
            "max": big, "min": -2**63, "neg": -1.25, "zero": 0.0,
            "empty": "", "list": [], "tuple": ("a", "b"), "f": False,
            "uni": "量子"})
    props = db.snapshot().node("p").props
    assert props == {"max": big, "min": -2**63, "neg": -1.25, "zero": 0.0,
                     "empty": "", "list": [], "tuple": ["a", "b"],
                     "f": False, "uni": "量子"}
    assert type(props["zero"]) is float
    with db.transaction() as tx:
        with pytest.raises(critgraph.InvalidInputError, match="int64"):
            tx.put_node("q", "domain", props={"big": 2**63})
        with pytest.raises(critgraph.InvalidInputError, match="unsupported"):
            tx.put_node("q", "domain", props={"d": {"a": 1}})
        with pytest.raises(critgraph.InvalidInputError, match="strings only"):
            tx.put_node("q", "domain", props={"l": ["a", 1]})
        with pytest.raises(critgraph.InvalidInputError):
            tx.put_node("q", "domain", names={"en": 3})
        with pytest.raises(critgraph.InvalidInputError):
            tx.put_node("q", "domain", props=[1])
        tx.put_node("q", "domain")
    assert db.snapshot().node("q").props == {}


def test_read_only(tmp_path):
    path = str(tmp_path / "db")
    with critgraph.open(path) as db:
        small_graph(db)
    with critgraph.open(path, read_only=True) as ro:
        assert ro.read_only
        assert ro.head == 2
        assert ro.snapshot("r2").node("b").names == {"en": "B2"}
        with pytest.raises(critgraph.Error):
            ro.transaction()
        with pytest.raises(critgraph.Error):
            ro.tag("t", 1)


def test_close_invalidates_snapshots_and_rolls_back(tmp_path):
    path = str(tmp_path / "db")
    db = critgraph.open(path)
    small_graph(db)
    snap = db.snapshot(1)
    tx = db.transaction(message="never")
    tx.put_node("z", "domain")
    db.close()
    db.close()  # idempotent
    with pytest.raises(critgraph.Error, match="closed"):
        snap.node("a")
    with pytest.raises(critgraph.Error, match="finished|closed"):
        tx.put_node("y", "domain")
    with pytest.raises(critgraph.Error, match="closed"):
        db.head
    with pytest.raises(critgraph.Error, match="closed"):
        db.snapshot()
    # The lock is released: the database opens again, without "z".
    with critgraph.open(path) as again:
        assert again.head == 2
        assert "z" not in again.snapshot()


def test_snapshot_close_and_context_manager(db):
    small_graph(db)
    with db.snapshot(2) as s:
        assert s.node("d").kind == "material"
    with pytest.raises(critgraph.Error, match="closed"):
        s.node("d")
    # The database itself stays open.
    assert db.snapshot(2).has_node("d")


def test_snapshot_outlives_db_object(tmp_path):
    # A snapshot keeps its database open until closed explicitly.
    path = str(tmp_path / "db")
    with critgraph.open(path) as db:
        small_graph(db)
    snap = critgraph.open(path).snapshot("r1")
    assert snap.node("a").kind == "domain"


def test_locked_error(tmp_path):
    path = str(tmp_path / "db")
    critgraph.open(path).close()
    holder = textwrap.dedent(f"""
        import sys, critgraph
        db = critgraph.open({path!r})
        print("open", flush=True)
        sys.stdin.readline()
    """)
    child = subprocess.Popen([sys.executable, "-c", holder],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=os.environ.copy(), text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(critgraph.LockedError) as info:
            critgraph.open(path)
        assert isinstance(info.value, critgraph.Error)
        # Readers are not locked out.
        with critgraph.open(path, read_only=True) as ro:
            assert ro.head == 0
    finally:
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(timeout=30)


def test_error_classes():
    assert issubclass(critgraph.NotFoundError, KeyError)
    assert issubclass(critgraph.NotFoundError, critgraph.Error)
    assert issubclass(critgraph.InvalidInputError, ValueError)
    assert issubclass(critgraph.InvalidInputError, critgraph.Error)
    assert issubclass(critgraph.CorruptionError, critgraph.Error)
    assert issubclass(critgraph.LockedError, critgraph.Error)
    assert issubclass(critgraph.Error, Exception)


def test_not_found_message_is_the_status_message(db):
    small_graph(db)
    with pytest.raises(critgraph.NotFoundError) as info:
        db.snapshot(1).node("nope")
    # str() is the C++ message, not KeyError's quoted repr.
    assert str(info.value) == "node 'nope' does not exist at revision 1"
    with pytest.raises(KeyError):
        db.snapshot("no-such-tag")
    with pytest.raises(critgraph.NotFoundError):
        db.snapshot(3)
    with pytest.raises(critgraph.InvalidInputError):
        db.snapshot(-1)
    with pytest.raises(critgraph.InvalidInputError):
        db.snapshot(1.5)


def test_corruption_error(tmp_path):
    path = tmp_path / "db"
    with critgraph.open(str(path)) as db:
        small_graph(db)
        with db.transaction() as tx:
            for i in range(2000):
                tx.put_node(f"n{i:05d}", "technology",
                            names={"en": f"node {i} " + "x" * 40})
    critgraph.open(str(path)).close()  # reopening flushes the log to SSTs
    ssts = sorted(path.glob("*.sst"), key=lambda p: p.stat().st_size)
    assert ssts, "expected SST files"
    biggest = ssts[-1]
    data = bytearray(biggest.read_bytes())
    start = len(data) // 4
    data[start:start + 256] = bytes(256)  # zero a stretch of a data block
    biggest.write_bytes(bytes(data))
    try:
        db = critgraph.open(str(path))
    except critgraph.CorruptionError:
        return  # refused at open
    with db:
        with pytest.raises(critgraph.CorruptionError):
            for rev in range(db.head + 1):
                snap = db.snapshot(rev)
                snap.nodes()
                snap.edges()
