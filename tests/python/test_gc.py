"""Retention (db.gc) through the Python binding."""
import pytest

import critgraph


def commit(db, i, tag=None):
    with db.transaction(message=f"r{i}", tag=tag) as tx:
        tx.put_node("n", "technology", names={"en": f"version {i}"},
                    props={"i": i, "text": "x" * 100})
        tx.put_node(f"k{i}", "domain")
    return db.head


def test_gc_keeps_rules_and_removes_the_rest(db):
    for i in range(1, 9):
        commit(db, i, tag="keep-me" if i == 3 else None)
    digests = {r: db.snapshot(r).digest for r in range(0, 9)}
    with pytest.raises(critgraph.InvalidInputError):
        db.gc()  # no rule
    dry = db.gc(keep_last=2, keep_tags=True, dry_run=True)
    assert dry["dry_run"] is True
    assert dry["removed"] == [1, 2, 4, 5, 6]
    assert dry["versions_deleted"] > 0 and dry["bytes_deleted"] > 0
    assert db.snapshot(2).digest == digests[2]  # nothing changed
    report = db.gc(keep_last=2, keep_tags=True, keep=[1])
    assert report["kept"] == [0, 1, 3, 7, 8]
    assert report["removed"] == [2, 4, 5, 6]
    assert report["tags_removed"] == []
    for r in (0, 1, 3, 7, 8):
        assert db.snapshot(r).digest == digests[r]
    for r in (2, 4, 5, 6):
        with pytest.raises(critgraph.NotFoundError) as e:
            db.snapshot(r)
        assert f"revision {r} was removed by gc on {report['date']}" in str(
            e.value)
        assert "(kept: 1, 3, 7-8)" in str(e.value)
    assert [r.number for r in db.log()] == [8, 7, 3, 1]
    assert db.revision(7).parent == 3
    d = db.diff(3, 7)
    assert sorted(n.key for n in d.nodes.added) == ["k4", "k5", "k6", "k7"]
    assert db.resolve("keep-me") == 3
    assert db.verify()["ok"]
    again = db.gc(keep_last=2, keep_tags=True, keep=[1])
    assert again["removed"] == []
