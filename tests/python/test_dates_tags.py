"""Effective dates (backdate) and tag deletion through the Python binding."""
import pytest

import critgraph


def commit_node(db, key, effective=None, **kw):
    with db.transaction(message=key, effective=effective, **kw) as tx:
        tx.put_node(key, "list")
    return db.head


def test_backdate_refused_then_accepted(db):
    commit_node(db, "v2023", "2023-08-01")
    commit_node(db, "v2025", "2025-10-28")
    with pytest.raises(critgraph.InvalidInputError) as e:
        commit_node(db, "late", "2024-03-01")
    msg = str(e.value)
    assert "2024-03-01" in msg and "2025-10-28" in msg
    assert "revision 2, its parent" in msg
    assert db.head == 2
    assert commit_node(db, "late", "2024-03-01", backdate=True) == 3
    assert [r.backdated for r in db.log()] == [True, False, False]
    assert db.revision(3).to_dict()["backdated"] is True
    # @DATE never answers with data that took effect later.
    assert db.resolve("@2024-06-01") == 1
    assert "v2025" not in db.snapshot("@2024-06-01")
    assert db.resolve("@2025-10-28") == 3


def test_commit_backdate_argument(db):
    commit_node(db, "a", "2025-01-01")
    tx = db.transaction(message="b", effective="2024-01-01")
    tx.put_node("b", "list")
    with pytest.raises(critgraph.InvalidInputError):
        tx.commit()
    assert tx.commit(backdate=True) == 2


def test_delete_tag(db):
    commit_node(db, "a", "2024-02-12", tag="us-cet-2024")
    commit_node(db, "b")
    db.tag("wip")
    with pytest.raises(critgraph.Error) as e:
        db.delete_tag("us-cet-2024")
    assert "effective 2024-02-12" in str(e.value)
    assert db.resolve("us-cet-2024") == 1
    db.delete_tag("wip")  # an undated HEAD's tag needs no force
    with pytest.raises(critgraph.NotFoundError):
        db.resolve("wip")
    db.delete_tag("us-cet-2024", force=True)
    assert db.revision(1).tags == []
    with pytest.raises(critgraph.NotFoundError):
        db.delete_tag("us-cet-2024")
    with pytest.raises(critgraph.InvalidInputError):
        db.delete_tag("bad name!")


def test_import_csv_asks_before_dropping_props(db, tmp_path):
    v1 = tmp_path / "v1.csv"
    v1.write_text("key,kind,year:int64\na,list,2020\n")
    db.import_csv(nodes=str(v1))
    v2 = tmp_path / "v2.csv"
    v2.write_text("\ufeffkey,kind\na,list\n", encoding="utf-8")  # with a BOM
    with pytest.raises(critgraph.Error) as e:
        db.import_csv(nodes=str(v2))
    assert "would drop properties of 1 node" in str(e.value)
    assert db.head == 1
    db.import_csv(nodes=str(v2), merge_props=True)
    assert db.snapshot().node("a").props == {"year": 2020}
    db.import_csv(nodes=str(v2), replace_props=True)
    assert db.snapshot().node("a").props == {}
