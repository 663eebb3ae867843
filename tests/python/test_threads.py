"""Several threads reading different revisions at once (the GIL is released
while the database works), also while a writer commits."""
import concurrent.futures
import threading

import critgraph
from test_dataset import REVISIONS


def read_revision(db, tag):
    snap = db.snapshot(tag)
    nodes = snap.nodes()
    edges = snap.edges()
    reached = snap.reach([n.key for n in snap.nodes("list")],
                         direction="in", edge_types=["part_of"])
    for n in nodes[:25]:
        assert snap.node(n.key) == n
        snap.out_edges(n.key)
        snap.in_edges(n.key)
    return (snap.revision, snap.digest, len(nodes), len(edges), reached)


def test_parallel_readers_of_different_revisions(dataset_db):
    tags = [t for t, _, _ in REVISIONS]
    expected = {t: read_revision(dataset_db, t) for t in tags}
    for tag, nodes, edges, in [(t, n, e) for t, n, e in REVISIONS]:
        assert expected[tag][2:4] == (nodes, edges)
    work = tags * 6
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: (t, read_revision(dataset_db, t)),
                                work))
    assert len(results) == len(work)
    for tag, got in results:
        assert got == expected[tag], tag


def test_shared_snapshot_and_diffs_across_threads(dataset_db):
    snap = dataset_db.snapshot("curated-links")
    want_reach = snap.reach("jp-materials", direction="in")
    want_diff = dataset_db.diff("us-cet-2020", "us-cet-2024").to_json()
    errors = []

    def worker(i):
        try:
            for _ in range(20):
                if i % 2:
                    assert snap.reach("jp-materials", direction="in") == \
                        want_reach
                else:
                    assert dataset_db.diff("us-cet-2020",
                                           "us-cet-2024").to_json() == \
                        want_diff
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_readers_while_a_writer_commits(tmp_path, dataset_path):
    with critgraph.open(str(tmp_path / "db"), sync=False) as db:
        db.import_jsonl(dataset_path)
        pinned = db.snapshot(12)
        digest = pinned.digest
        stop = threading.Event()
        seen = []

        def reader():
            while not stop.is_set():
                assert pinned.digest == digest
                assert len(pinned.nodes()) == 206
                head = db.snapshot()
                seen.append(head.revision)
                assert len(head.nodes()) == 206 + head.revision - 12

        readers = [threading.Thread(target=reader) for _ in range(4)]
        for t in readers:
            t.start()
        try:
            for i in range(20):
                with db.transaction(message=f"w{i}") as tx:
                    tx.put_node(f"extra/{i}", "domain")
        finally:
            stop.set()
            for t in readers:
                t.join()
        assert db.head == 32
        assert seen and max(seen) <= 32
        assert pinned.digest == digest and len(pinned.nodes()) == 206
