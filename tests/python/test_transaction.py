"""Writes: the transaction context manager, explicit commit and rollback."""
import pytest

import critgraph
from conftest import small_graph


def test_commit_on_success(db):
    with db.transaction(message="m", tag="t1", effective="2024-02-12",
                        author="bob") as tx:
        assert tx.active
        assert tx.pending_revision == 1
        assert tx.revision is None
        tx.put_node("a", "domain", names={"en": "A"})
        assert tx.get_node("a").names == {"en": "A"}
    assert not tx.active
    assert tx.revision == 1
    info = db.revision(1)
    assert (info.message, info.author, info.tags, info.effective_date) == (
        "m", "bob", ["t1"], "2024-02-12")
    assert "committed as revision 1" in repr(tx)


def test_rollback_on_exception(db):
    small_graph(db)
    digest = db.snapshot().digest
    with pytest.raises(RuntimeError, match="boom"):
        with db.transaction(message="doomed", tag="never") as tx:
            tx.put_node("x", "domain")
            tx.delete_node("a")
            raise RuntimeError("boom")
    assert not tx.active and tx.revision is None
    assert "rolled back" in repr(tx)
    assert db.head == 2
    assert db.snapshot().digest == digest
    assert "x" not in db.snapshot() and "a" in db.snapshot()
    with pytest.raises(critgraph.NotFoundError):
        db.resolve("never")
    # A critgraph error inside the block rolls back too, and propagates.
    with pytest.raises(critgraph.InvalidInputError):
        with db.transaction() as tx:
            tx.put_node("y", "domain")
            tx.put_edge("y", "part_of", "ghost")
    assert "y" not in db.snapshot()
    # The writer is free again.
    with db.transaction() as tx:
        tx.put_node("y", "domain")
    assert db.head == 3


def test_explicit_commit_and_rollback(db):
    tx = db.transaction(message="from ctor")
    tx.put_node("a", "domain")
    rev = tx.commit(tag="explicit", author="carol")
    assert rev == 1 == tx.revision
    assert db.revision(1).message == "from ctor"
    assert db.revision(1).author == "carol"
    assert db.resolve("explicit") == 1
    with pytest.raises(critgraph.Error, match="finished"):
        tx.put_node("b", "domain")
    with pytest.raises(critgraph.Error, match="finished"):
        tx.commit()
    tx.rollback()  # no-op once finished

    tx = db.transaction()
    tx.put_node("b", "domain")
    tx.rollback()
    assert db.head == 1
    with pytest.raises(critgraph.Error, match="rolled back"):
        tx.put_node("c", "domain")
    # Explicit commit inside `with`: the exit does nothing more.
    with db.transaction() as tx:
        tx.put_node("c", "domain")
        assert tx.commit(message="inside") == 2
    assert db.head == 2


def test_one_writer_at_a_time(db):
    tx = db.transaction()
    with pytest.raises(critgraph.Error):
        db.transaction()
    tx.rollback()
    db.transaction().rollback()


def test_commit_errors_leave_transaction_open(db):
    small_graph(db)
    tx = db.transaction(tag="r1")  # exists
    tx.put_node("e", "domain")
    with pytest.raises(critgraph.InvalidInputError):
        tx.commit()
    assert tx.active
    with pytest.raises(critgraph.InvalidInputError):
        tx.commit(tag="ok", effective="2024-13-45")
    assert tx.active
    assert tx.commit(tag="fresh", effective="2024-01-01") == 3
    # In a with block a failing commit rolls back and raises.
    with pytest.raises(critgraph.InvalidInputError):
        with db.transaction(tag="fresh") as tx2:
            tx2.put_node("f", "domain")
    assert not tx2.active and db.head == 3
    assert "f" not in db.snapshot()


def test_all_operations(db):
    small_graph(db)
    with db.transaction(message="ops") as tx:
        tx.register_node_kind("organization")
        tx.register_edge_type("funds")
        tx.register_node_kind("organization")  # no-op
        tx.put_node("org", "organization", props={"country": "JP"})
        tx.put_edge("org", "funds", "a", props={"yen": 100})
        tx.delete_edge("b", "part_of", "c")
        tx.delete_node("d")  # and its edge c->d
        tx.apply('{"op":"node","key":"e","kind":"domain","names":{"en":"E"}}')
        with pytest.raises(critgraph.InvalidInputError):
            tx.apply('{"op":"commit"}')
        with pytest.raises(critgraph.InvalidInputError):
            tx.apply("not json")
        with pytest.raises(critgraph.NotFoundError):
            tx.delete_node("ghost")
        with pytest.raises(critgraph.NotFoundError):
            tx.delete_edge("a", "part_of", "c")
        with pytest.raises(critgraph.InvalidInputError):
            tx.put_node("k", "no_such_kind")
        with pytest.raises(critgraph.InvalidInputError):
            tx.register_edge_type("Bad Name")
        with pytest.raises(critgraph.NotFoundError):
            tx.get_node("d")
    s = db.snapshot()
    assert "organization" in s.node_kinds() and "funds" in s.edge_types()
    assert s.edge("org", "funds", "a").props == {"yen": 100}
    assert "d" not in s
    assert s.out_edges("c") == []
    assert s.node("e").names == {"en": "E"}
    assert [e.id for e in s.out_edges("b")] == []


def test_multiple_tags(db):
    with db.transaction(tag=["x1", "x2"]) as tx:
        tx.put_node("a", "domain")
    assert db.revision(1).tags == ["x1", "x2"]
