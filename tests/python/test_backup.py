"""Followers (open(follow=True), refresh) and consistent copies (backup,
list_backups, restore) through the Python binding."""
import pytest

import critgraph

from conftest import small_graph


def test_checkpoint_of_an_open_writer_opens_at_its_head(db, tmp_path):
    small_graph(db)
    out = critgraph.backup(db, str(tmp_path / "copy"))
    assert out["revision"] == db.head == 2
    assert out["digest"] == db.snapshot("HEAD").digest
    assert out["backup_id"] == 0
    with critgraph.open(str(tmp_path / "copy"), read_only=True) as copy:
        assert copy.head == 2
        assert copy.snapshot("r1").digest == db.snapshot("r1").digest
        assert copy.verify()["ok"]
    # A non-empty destination is refused and left alone.
    with pytest.raises(critgraph.InvalidInputError):
        critgraph.backup(db, str(tmp_path / "copy"))


def test_incremental_backups_list_and_restore(tmp_path):
    path = str(tmp_path / "db")
    with critgraph.open(path, sync=False) as db:
        small_graph(db)
        first = critgraph.backup(db, str(tmp_path / "bk"), incremental=True)
        with db.transaction(message="third") as tx:
            tx.delete_node("d")
        r3_digest = db.snapshot("HEAD").digest
    # From a path, with no writer: opened and copied by the call.
    second = critgraph.backup(path, str(tmp_path / "bk"), incremental=True)
    assert (first["backup_id"], second["backup_id"]) == (1, 2)
    listed = critgraph.list_backups(str(tmp_path / "bk"))
    assert [(b["id"], b["revision"]) for b in listed] == [(1, 2), (2, 3)]
    assert listed[1]["digest"] == r3_digest
    old = critgraph.restore(str(tmp_path / "bk"), str(tmp_path / "r1"),
                            backup_id=1)
    assert (old["revision"], old["digest"]) == (2, first["digest"])
    with critgraph.open(str(tmp_path / "r1"), read_only=True) as r:
        assert r.head == 2 and "d" in r.snapshot("HEAD")
    new = critgraph.restore(str(tmp_path / "bk"), str(tmp_path / "r2"))
    assert (new["revision"], new["digest"]) == (3, r3_digest)
    with pytest.raises(critgraph.NotFoundError):
        critgraph.restore(str(tmp_path / "bk"), str(tmp_path / "r9"),
                          backup_id=9)
    with pytest.raises(critgraph.InvalidInputError):
        critgraph.list_backups(path)  # a database, not a backup directory


def test_follower_sees_new_revisions_after_refresh(tmp_path):
    path = str(tmp_path / "db")
    with critgraph.open(path, sync=False, flush_on_commit=True) as writer:
        with critgraph.open(path, follow=True) as follower:
            assert follower.follower and follower.read_only
            assert not writer.follower
            before = follower.snapshot("HEAD")
            small_graph(writer)
            assert follower.head == 0
            assert follower.refresh() == 2 == follower.head
            assert follower.snapshot("r2").digest == \
                writer.snapshot("r2").digest
            assert before.revision == 0 and before.node_count == 0
            with pytest.raises(critgraph.Error):
                follower.transaction()
            # A writer's refresh is its head.
            assert writer.refresh() == 2
    with critgraph.open(path, read_only=True) as plain:
        with pytest.raises(critgraph.Error):
            plain.refresh()
