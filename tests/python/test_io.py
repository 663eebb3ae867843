"""DB.import_csv (the io/ layer's CSV import, as `critgraph import --format
csv`) and Snapshot.reach_many (the engine's ReachMany)."""
import os
import subprocess
import threading

import pytest

import critgraph


def test_import_csv_round_trips_an_export(dataset_db, tmp_path):
    head = dataset_db.snapshot("HEAD")
    head.export(str(tmp_path / "csv"), format="csv")
    with critgraph.open(str(tmp_path / "a"), sync=False) as db:
        rev = db.import_csv(str(tmp_path / "csv"), message="m", tag="copy",
                            effective="2024-01-02", author="me")
        assert rev == 1 and db.head == 1
        copy = db.snapshot("copy")
        assert copy.digest == head.digest
        assert (copy.node_count, copy.edge_count) == \
            (head.node_count, head.edge_count)
        info = db.revision(1)
        assert (info.message, info.author, info.effective_date) == \
            ("m", "me", "2024-01-02")
    # The files named one by one: the same content; the default message
    # names them.
    with critgraph.open(str(tmp_path / "b"), sync=False) as db:
        nodes = str(tmp_path / "csv" / "nodes.csv")
        edges = str(tmp_path / "csv" / "edges.csv")
        assert db.import_csv(nodes=nodes, edges=edges) == 1
        assert db.snapshot("HEAD").digest == head.digest
        assert db.revision(1).message == f"import CSV {nodes} + {edges}"


def test_import_csv_same_as_the_cli(dataset_db, tmp_path):
    cli = os.environ.get("CRITGRAPH_CLI")
    if not cli:
        pytest.skip("CRITGRAPH_CLI not set")
    dataset_db.snapshot("us-cet-2022").export(str(tmp_path / "csv"),
                                              format="csv")
    subprocess.run([cli, "--db", str(tmp_path / "cli"), "import", "--format",
                    "csv", str(tmp_path / "csv"), "--tag", "x"], check=True,
                   capture_output=True)
    with critgraph.open(str(tmp_path / "cli"), read_only=True) as db:
        want = db.snapshot("x").digest
    with critgraph.open(str(tmp_path / "py"), sync=False) as db:
        db.import_csv(str(tmp_path / "csv"), tag="x")
        assert db.snapshot("x").digest == want


def test_import_csv_bad_input_commits_nothing(db, tmp_path):
    with db.transaction(message="base", tag="base") as tx:
        tx.put_node("a", "domain")
    d = tmp_path / "bad"
    d.mkdir()
    (d / "nodes.csv").write_text("key,kind,rank:int64\nx,org,1\ny,org,two\n")
    with pytest.raises(critgraph.InvalidInputError, match="nodes.csv:3: "):
        db.import_csv(str(d))
    (d / "nodes.csv").write_text("key,kind\nx,org\n")
    (d / "edges.csv").write_text("from,type,to\nx,funds,ghost\n")
    with pytest.raises(critgraph.InvalidInputError, match="edges.csv:2: "):
        db.import_csv(str(d))
    (d / "edges.csv").write_text("from,type,to\nx,funds,x\n")
    with pytest.raises(critgraph.InvalidInputError, match="base"):
        db.import_csv(str(d), tag="base")
    assert db.head == 1 and "x" not in db.snapshot("HEAD")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(critgraph.InvalidInputError):
        db.import_csv(str(empty))
    with pytest.raises(critgraph.InvalidInputError):
        db.import_csv(str(d), nodes=str(d / "nodes.csv"))
    with pytest.raises(critgraph.InvalidInputError):
        db.import_csv()
    assert db.import_csv(str(d)) == 2
    assert db.snapshot("HEAD").edge("x", "funds", "x").type == "funds"


def test_reach_many_equals_reach_one_by_one(dataset_db):
    snap = dataset_db.snapshot("HEAD")
    lists = [n.key for n in snap.nodes("list")]
    assert len(lists) > 2
    sources = lists + [lists[:2], lists[0]]
    for threads in (0, 1, 3):
        got = snap.reach_many(sources, direction="in",
                              edge_types=["part_of"], threads=threads)
        assert got == [snap.reach(s, direction="in", edge_types=["part_of"])
                       for s in sources]
    limited = snap.reach_many([lists[0]], direction="in", max_depth=1)
    assert limited == [snap.reach(lists[0], direction="in", max_depth=1)]
    assert snap.reach_many([]) == []
    with pytest.raises(critgraph.NotFoundError, match="ghost"):
        snap.reach_many([lists[0], "ghost"])
    with pytest.raises(critgraph.InvalidInputError):
        snap.reach_many([lists[0]], edge_types=["no_such_type"])


def test_reach_many_from_threads(dataset_db):
    snap = dataset_db.snapshot("HEAD")
    lists = [n.key for n in snap.nodes("list")]
    want = snap.reach_many(lists, direction="in")
    errors = []

    def worker():
        try:
            for _ in range(10):
                assert snap.reach_many(lists, direction="in", threads=2) == want
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_reach_plans_agree(dataset_db):
    snap = dataset_db.snapshot("HEAD")
    for key in [n.key for n in snap.nodes("list")][:3]:
        want = snap.reach(key, direction="in", parents=True)
        for plan in ("seek", "scan", "adjacency", "auto"):
            assert snap.reach(key, direction="in", parents=True,
                              plan=plan) == want, plan
    with pytest.raises(critgraph.InvalidInputError, match="nosuch"):
        snap.reach("us-cet", plan="nosuch")
