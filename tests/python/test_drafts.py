"""Drafts and three-way merge (critgraph/draft.h) through the Python binding:
Draft objects and their transactions, reading drafts as "draft:NAME",
merge reports and conflicts, rebase, drop and bad input."""
import gc

import pytest

import critgraph


def base_graph(db):
    """Revision 1: a, b, c, m (technology, name 'name K', x=1); a->m, b->m."""
    with db.transaction(message="base") as tx:
        for k in "abcm":
            tx.put_node(k, "technology", names={"en": f"name {k}"},
                        props={"x": 1})
        tx.put_edge("a", "depends_on", "m")
        tx.put_edge("b", "depends_on", "m")
    return db.head


def write_draft(db, name, fn, message=""):
    with db.draft(name) as d:
        with d.transaction(message=message) as tx:
            fn(tx)


def conflict_scenario(db):
    """Draft 'p' on revision 1, then main and p change the same entities:
    one conflict of each class (as tests/draft_test.cc's
    ConflictClassesAndResolutionFile)."""
    base_graph(db)
    db.create_draft("p")
    with db.transaction(message="main edits") as tx:
        tx.put_node("a", "technology", names={"en": "A head"}, props={"x": 2})
        tx.delete_node("b")
        tx.delete_node("m")
        tx.put_node("c", "material", names={"en": "name c"}, props={"x": 1})

    def draft_edits(tx):
        # name:en and x clash; the new property y merges cleanly.
        tx.put_node("a", "technology", names={"en": "A draft"},
                    props={"x": 3, "y": True})
        tx.put_node("b", "technology", names={"en": "B draft"},
                    props={"x": 1})
        tx.put_node("c", "domain", names={"en": "name c"}, props={"x": 1})
        tx.put_edge("c", "depends_on", "m")

    write_draft(db, "p", draft_edits)


def conflict_summary(report):
    out = {}
    for c in report["conflicts"]:
        if c["entity"] == "edge":
            e = c["edge"]
            where = f"{e['from']}>{e['to']}"
        else:
            where = c["key"]
        out[where] = " ".join([c["kind"]] + c["fields"])
    return out


EXPECTED_CONFLICTS = {
    "a": "content name:en prop:x",
    "b": "delete-modify",
    "c": "kind",
    "c>m": "edge-to-deleted-node",
}


def test_draft_write_read_and_diff(db):
    base = base_graph(db)
    info = db.create_draft("x")
    assert info["name"] == "x" and info["base"] == base
    assert info["base_digest"] == db.snapshot(base).digest
    assert info["commits"] == 0 and info["head"] == info["start"]
    assert info["path"].endswith("drafts/x")
    with db.draft("x") as d:
        assert d.name == "x"
        with d.transaction(message="propose n", author="bob") as tx:
            tx.put_node("n", "material", names={"en": "new"},
                        props={"w": 0.5})
            tx.put_node("a", "technology", names={"en": "name a"},
                        props={"x": 1, "z": "draft"})
            tx.delete_edge("b", "depends_on", "m")
        assert tx.revision == info["start"] + 1
        assert d.info["commits"] == 1
        assert d.info["head"] == info["start"] + 1
        log = d.log()
        assert [r.number for r in log] == [info["start"] + 1]
        assert log[0].message == "propose n" and log[0].author == "bob"
        s = d.snapshot()
        assert s.revision == info["start"] + 1
        assert s.node("n")["props"] == {"w": 0.5}
    # Main is untouched; "draft:x" reads the draft's newest commit.
    assert db.head == base
    assert not db.snapshot().has_node("n")
    ds = db.snapshot("draft:x")
    assert ds.node("n") == {"key": "n", "kind": "material",
                            "names": {"en": "new"}, "props": {"w": 0.5}}
    assert ds.node("a")["props"] == {"x": 1, "z": "draft"}
    assert [e.id for e in ds.edges()] == [("a", "depends_on", "m")]
    assert db.drafts() == [db.draft_info("x")]
    assert db.draft_info("x")["commits"] == 1
    with pytest.raises(critgraph.InvalidInputError):
        db.resolve("draft:x")  # a draft is not a revision of main

    d = db.diff("HEAD", "draft:x")
    assert [n.key for n in d.nodes.added] == ["n"]
    assert d.nodes.removed == []
    assert [c.key for c in d.nodes.modified] == ["a"]
    assert [e.id for e in d.edges.removed] == [("b", "depends_on", "m")]
    assert d.edges.added == [] and d.edges.modified == []
    assert d.lineage == []
    with pytest.raises(critgraph.InvalidInputError):
        db.reach_diff("HEAD", "draft:x", "m")  # needs one database
    assert d.to_revision == info["start"] + 1
    back = db.diff("draft:x", base)  # an int on the other side
    assert [n.key for n in back.nodes.removed] == ["n"]
    assert [e.id for e in back.edges.added] == [("b", "depends_on", "m")]
    # The patch applied to main gives the draft's content.
    with db.transaction() as tx:
        for line in d.to_jsonl().splitlines():
            tx.apply(line)
    assert db.snapshot().digest == ds.digest
    assert db.diff("HEAD", "draft:x").empty


def test_draft_lock_close_and_keep_alive(tmp_path):
    db = critgraph.open(str(tmp_path / "db"), sync=False)
    base_graph(db)
    db.create_draft("x")
    d = db.draft("x")
    with pytest.raises(critgraph.LockedError):
        db.draft("x")  # one writer per draft
    with pytest.raises(critgraph.LockedError):
        db.drop_draft("x")
    # The main writer is independent of the draft's.
    with db.transaction() as main_tx, d.transaction() as draft_tx:
        main_tx.put_node("main-only", "domain")
        draft_tx.put_node("draft-only", "domain")
    assert db.snapshot().has_node("main-only")
    assert not db.snapshot().has_node("draft-only")
    assert db.snapshot("draft:x").has_node("draft-only")
    # Closing the draft rolls back its open transaction and closes its
    # snapshots.
    tx = d.transaction()
    tx.put_node("lost", "domain")
    snap = d.snapshot()
    d.close()
    assert d.closed and not tx.active
    with pytest.raises(critgraph.Error):
        snap.node("a")
    with pytest.raises(critgraph.Error):
        d.transaction()
    assert not db.snapshot("draft:x").has_node("lost")
    # A transaction keeps its Draft (and the write lock) alive.
    tx = db.draft("x").transaction()
    gc.collect()
    with pytest.raises(critgraph.LockedError):
        db.draft("x")
    tx.put_node("kept", "domain")
    tx.commit()
    del tx
    gc.collect()
    # So does a snapshot.
    s = db.draft("x").snapshot()
    gc.collect()
    assert s.has_node("kept")
    with pytest.raises(critgraph.LockedError):
        db.draft("x")
    del s
    gc.collect()
    with db.draft("x") as again:
        assert again.info["commits"] == 2
    # Closing the DB closes its drafts.
    d = db.draft("x")
    db.close()
    assert d.closed
    with pytest.raises(critgraph.Error):
        d.log()


def test_merge_without_conflict(db, tmp_path):
    base_graph(db)
    db.create_draft("p")
    with db.transaction() as tx:
        tx.put_node("a", "technology", names={"en": "name a", "ja": "エー"},
                    props={"x": 1})

    def edits(tx):
        tx.put_node("a", "technology", names={"en": "name a"},
                    props={"x": 1, "z": 0.5})
        tx.put_node("n", "material", names={"en": "new"})
        tx.put_edge("n", "depends_on", "m", props={"k": "v"})

    write_draft(db, "p", edits)
    head = db.head
    dry = db.merge("p", dry_run=True)
    assert dry["dry_run"] is True and dry["committed"] is None
    assert dry["digest"] is None and dry["conflicts"] == []
    assert db.head == head
    r = db.merge("p", message="merge p", tag="merged", effective="2026-01-01")
    assert r["draft"] == "p" and r["base"] == 1 and r["head"] == head
    assert r["draft_head"] == db.draft_info("p")["head"]
    assert r["conflicts"] == [] and r["unresolved"] == 0
    assert r["nodes"] == {"added": 1, "removed": 0, "modified": 1}
    assert r["edges"] == {"added": 1, "removed": 0, "modified": 0}
    assert r["committed"] == db.head == head + 1
    assert r["digest"] == db.snapshot(r["committed"]).digest
    assert r["digest"] == db.revision(r["committed"]).digest
    rev = db.revision("merged")
    assert rev.number == r["committed"] and rev.message == "merge p"
    assert rev.effective_date == "2026-01-01"
    s = db.snapshot()
    assert s.node("a") == {"key": "a", "kind": "technology",
                           "names": {"en": "name a", "ja": "エー"},
                           "props": {"x": 1, "z": 0.5}}
    assert s.node("n")["names"] == {"en": "new"}
    assert s.edge("n", "depends_on", "m")["props"] == {"k": "v"}
    # The same content committed directly elsewhere has the same digest.
    with critgraph.open(str(tmp_path / "direct"), sync=False) as other:
        with other.transaction() as tx:
            for n in s.nodes():
                tx.put_node(n.key, n.kind, names=n.names, props=n.props)
            for e in s.edges():
                tx.put_edge(e.from_key, e.type, e.to_key, props=e.props)
        assert other.snapshot().digest == r["digest"]
    # Merging again changes nothing.
    again = db.merge("p")
    assert again["committed"] is None and again["digest"] is None
    assert db.head == r["committed"]


def test_conflicts_dry_run_raise_and_prefer(db):
    conflict_scenario(db)
    head = db.head
    dry = db.merge("p", dry_run=True)  # never raises for conflicts
    assert dry["dry_run"] is True and dry["committed"] is None
    assert conflict_summary(dry) == EXPECTED_CONFLICTS
    assert dry["unresolved"] == 4
    assert all(c["resolution"] is None for c in dry["conflicts"])
    by_key = {c["key"]: c for c in dry["conflicts"] if c["entity"] == "node"}
    a = by_key["a"]
    assert a["edge"] is None
    assert a["base"]["names"] == {"en": "name a"}
    assert a["head"]["names"] == {"en": "A head"}
    assert a["draft"]["names"] == {"en": "A draft"}
    assert a["draft"]["props"] == {"x": 3, "y": True}
    b = by_key["b"]
    assert b["head"] is None and b["draft"]["names"] == {"en": "B draft"}
    c = by_key["c"]
    assert (c["base"]["kind"], c["head"]["kind"], c["draft"]["kind"]) == (
        "technology", "material", "domain")
    [edge] = [c for c in dry["conflicts"] if c["entity"] == "edge"]
    assert edge["edge"] == {"from": "c", "type": "depends_on", "to": "m"}
    assert edge["base"] is None and edge["head"] is None
    assert edge["draft"] == {"from": "c", "type": "depends_on", "to": "m",
                             "props": {}}
    assert db.head == head

    # A plain merge raises the library's FailedPrecondition as
    # critgraph.Error, with the report attached, and changes nothing.
    with pytest.raises(critgraph.Error) as e:
        db.merge("p")
    assert not isinstance(e.value, (critgraph.NotFoundError,
                                    critgraph.InvalidInputError))
    assert "4 unresolved conflicts" in str(e.value)
    assert e.value.report["dry_run"] is False
    assert e.value.report["committed"] is None
    assert conflict_summary(e.value.report) == EXPECTED_CONFLICTS
    assert db.head == head
    with pytest.raises(critgraph.Error) as e:
        db.rebase("p")
    assert conflict_summary(e.value.report) == EXPECTED_CONFLICTS

    prefer_head = db.merge("p", dry_run=True, prefer="head")
    assert prefer_head["unresolved"] == 0
    assert [c["resolution"] for c in prefer_head["conflicts"]] == ["head"] * 4

    r = db.merge("p", prefer="draft")
    assert r["unresolved"] == 0
    assert [c["resolution"] for c in r["conflicts"]] == ["draft"] * 4
    assert r["committed"] == db.head == head + 1
    assert r["digest"] == db.snapshot().digest
    s = db.snapshot()
    assert s.node("a") == {"key": "a", "kind": "technology",
                           "names": {"en": "A draft"},
                           "props": {"x": 3, "y": True}}
    assert s.node("b")["names"] == {"en": "B draft"}
    assert s.node("c")["kind"] == "domain"
    # The draft's edge brings back the node main deleted; main's cascade of
    # m's other edges stands.
    assert s.has_node("m")
    assert s.edge("c", "depends_on", "m")["props"] == {}
    with pytest.raises(critgraph.NotFoundError):
        s.edge("a", "depends_on", "m")


def test_conflicts_resolved_by_a_resolution_list(db):
    conflict_scenario(db)
    head = db.head
    partial = [
        {"op": "node", "key": "a", "kind": "technology",
         "names": {"en": "A agreed"}, "props": {"x": 9}},
        # JSONL strings, one or more lines each, as in a resolution file.
        '{"op":"del_node","key":"b"}\n'
        '{"op":"node","key":"c","kind":"domain","names":{"en":"name c"}}\n',
    ]
    with pytest.raises(critgraph.Error) as e:
        db.merge("p", resolutions=partial)
    assert e.value.report["unresolved"] == 1
    left = [c for c in e.value.report["conflicts"] if c["resolution"] is None]
    assert [(c["kind"], c["edge"]) for c in left] == [
        ("edge-to-deleted-node", {"from": "c", "type": "depends_on",
                                  "to": "m"})]
    assert db.head == head
    full = partial + ['{"op":"del_edge","from":"c","type":"depends_on",'
                      '"to":"m"}']
    r = db.merge("p", resolutions=full, message="accept proposal")
    assert r["unresolved"] == 0
    # Every conflict is still reported, each resolved by the file (the
    # edge's under its deleted endpoint m).
    assert [(c["key"], c["resolution"]) for c in r["conflicts"]] == [
        ("a", "file"), ("b", "file"), ("c", "file"), ("m", "file")]
    assert r["committed"] == db.head == head + 1
    assert r["digest"] == db.snapshot().digest
    assert db.revision("HEAD").message == "accept proposal"
    s = db.snapshot()
    assert s.node("a")["names"] == {"en": "A agreed"}
    assert s.node("a")["props"] == {"x": 9}
    assert not s.has_node("b")
    assert s.node("c") == {"key": "c", "kind": "domain",
                           "names": {"en": "name c"}, "props": {}}
    assert not s.has_node("m")
    assert s.edges() == []
    # Bad resolutions are bad input, before anything is merged.
    with pytest.raises(critgraph.InvalidInputError):
        db.merge("p", resolutions=["not json"])
    with pytest.raises(critgraph.InvalidInputError):
        db.merge("p", resolutions=[{"op": "commit", "message": "m"}])
    with pytest.raises(critgraph.InvalidInputError):
        db.merge("p", resolutions='{"op":"del_node","key":"b"}')
    with pytest.raises(critgraph.InvalidInputError):
        db.merge("p", prefer="both")


def test_rebase(db):
    base_graph(db)
    with db.transaction() as tx:
        tx.put_node("r2", "domain")
    with db.transaction(tag="r2") as tx:
        tx.put_node("r2b", "domain")
    info = db.create_draft("old", base=1)
    assert info["base"] == 1
    assert db.snapshot("draft:old").digest == db.snapshot(1).digest
    write_draft(db, "old", lambda tx: tx.put_node("p1", "technology"))
    write_draft(db, "old", lambda tx: tx.put_node("p2", "technology"))
    with db.transaction() as tx:
        tx.put_node("r3", "domain")
    assert db.draft_info("old")["commits"] == 2

    # Onto a named revision first, then onto HEAD.
    dry = db.rebase("old", onto="r2", dry_run=True)
    assert dry["head"] == db.resolve("r2") and dry["committed"] is None
    assert db.draft_info("old")["base"] == 1
    r = db.rebase("old", onto="r2")
    assert r["head"] == 3 and r["conflicts"] == []
    assert db.draft_info("old")["base"] == 3
    with db.draft("old") as d:
        with pytest.raises(critgraph.LockedError):
            db.rebase("old")  # its writer holds the draft
    r = db.rebase("old", message="onto head")
    assert r["head"] == db.head
    info = db.draft_info("old")
    assert info["base"] == db.head and info["commits"] == 1
    assert info["base_digest"] == db.snapshot().digest
    assert r["committed"] == info["head"]
    with db.draft("old") as d:
        [rev] = d.log()
        assert rev.message == "onto head"
        assert rev.digest == r["digest"]
    s = db.snapshot("draft:old")
    for k in ("a", "r2", "r2b", "r3", "p1", "p2"):
        assert s.has_node(k), k
    d = db.diff("HEAD", "draft:old")
    assert sorted(n.key for n in d.nodes.added) == ["p1", "p2"]
    assert d.nodes.removed == [] and d.nodes.modified == []


def test_drop_and_bad_input(db):
    base_graph(db)
    with pytest.raises(critgraph.InvalidInputError) as e:
        db.create_draft("Bad Name")
    assert isinstance(e.value, ValueError)
    with pytest.raises(ValueError):
        db.create_draft("")
    with pytest.raises(ValueError):
        db.draft("no/slash")
    with pytest.raises(critgraph.NotFoundError):
        db.create_draft("x", base=99)
    db.create_draft("x")
    with pytest.raises(critgraph.InvalidInputError):
        db.create_draft("x")  # exists (AlreadyExists)
    for call in (lambda: db.draft("nope"), lambda: db.draft_info("nope"),
                 lambda: db.drop_draft("nope"), lambda: db.merge("nope"),
                 lambda: db.rebase("nope"),
                 lambda: db.snapshot("draft:nope"),
                 lambda: db.diff("HEAD", "draft:nope")):
        with pytest.raises(critgraph.NotFoundError) as e:
            call()
        assert isinstance(e.value, KeyError)
        assert "no draft 'nope'" in str(e.value)
    assert [i["name"] for i in db.drafts()] == ["x"]
    db.drop_draft("x")
    assert db.drafts() == []
    with pytest.raises(critgraph.NotFoundError):
        db.snapshot("draft:x")
    with pytest.raises(critgraph.NotFoundError):
        db.drop_draft("x")
    # The name is free again.
    assert db.create_draft("x")["commits"] == 0


def test_drafts_survive_reopening(tmp_path):
    path = str(tmp_path / "db")
    with critgraph.open(path, sync=False) as db:
        base_graph(db)
        db.create_draft("cet-2026")
        write_draft(db, "cet-2026", lambda tx: tx.put_node("q", "domain"))
    with critgraph.open(path, read_only=True) as ro:
        [info] = ro.drafts()
        assert info["name"] == "cet-2026" and info["commits"] == 1
        assert ro.snapshot("draft:cet-2026").has_node("q")
        assert [n.key for n in ro.diff("HEAD",
                                       "draft:cet-2026").nodes.added] == ["q"]
