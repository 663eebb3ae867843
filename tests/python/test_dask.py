"""Partitions and critgraph.dask on a LocalCluster of 2 worker processes:
separate processes open the same database read-only, and every result
equals the single-process API (and `export`)."""
import json
import pickle
import random

import pytest

import critgraph
import critgraph.dask as cdask

distributed = pytest.importorskip("distributed")  # dev.sh installs it


def canon(props):
    return json.dumps(props, sort_keys=True)


@pytest.fixture(scope="module")
def graph_path(tmp_path_factory, dataset_path):
    """The bundled dataset, then three revisions of a random graph on top
    (so partitions have several SST files' worth of ids to split)."""
    path = str(tmp_path_factory.mktemp("dask") / "db")
    with critgraph.open(path, sync=False) as db:
        db.import_jsonl(dataset_path)
        rng = random.Random(11)
        for r in range(3):
            with db.transaction(message=f"random {r}",
                                tag=f"random-{r}") as tx:
                for i in range(3000):
                    tx.put_node(f"rnd/{i}", "technology",
                                names={"en": f"node {i} r{r}"},
                                props={"w": rng.randint(0, 9)})
                for _ in range(6000):
                    a, b = rng.randrange(3000), rng.randrange(3000)
                    tx.put_edge(f"rnd/{a}", "depends_on", f"rnd/{b}",
                                props={"r": r})
                for i in rng.sample(range(3000), 200):
                    tx.delete_node(f"rnd/{i}")
    return path


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def exported_edges(snap, tmp_path):
    out = tmp_path / f"export-{snap.revision}.jsonl"
    snap.export(str(out), format="jsonl")
    edges = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        op = json.loads(line)
        if op["op"] == "edge":
            edges.add((op["from"], op["type"], op["to"],
                       canon(op.get("props", {}))))
    return edges


def test_partitions_pickle_and_parse(graph_path):
    with critgraph.open(graph_path, read_only=True) as db:
        parts = db.snapshot("HEAD").partitions(4)
    assert [p.index for p in parts] == [0, 1, 2, 3]
    assert all(p.count == 4 and p.db_path == graph_path for p in parts)
    for p in parts:
        assert pickle.loads(pickle.dumps(p)) == p
        assert critgraph.Partition.parse(p.serialize()) == p
    with pytest.raises(critgraph.InvalidInputError):
        critgraph.Partition.parse("not a partition")
    with critgraph.open(graph_path, read_only=True) as db:
        with pytest.raises(critgraph.InvalidInputError):
            db.snapshot("HEAD").partitions(0)
        # A part read at another revision is refused.
        with pytest.raises(critgraph.InvalidInputError):
            db.snapshot("HEAD~1").partition_nodes(parts[0])


@pytest.mark.parametrize("at", ["HEAD", "random-0", "us-cet-2024"])
def test_read_edges_union_equals_export(graph_path, client, tmp_path, at):
    with critgraph.open(graph_path, read_only=True) as db:
        want = exported_edges(db.snapshot(at), tmp_path)
    assert want
    for n in (1, 3, 8):
        frame = cdask.read_edges(graph_path, at, npartitions=n)
        assert frame.npartitions == n
        rows = client.compute(frame).result()
        got = [(r["from"], r["type"], r["to"], canon(r["props"]))
               for r in rows.to_dict("records")]
        assert len(got) == len(set(got)), f"duplicates with {n} parts"
        assert set(got) == want, f"{n} parts"


def test_read_nodes_union_equals_snapshot(graph_path, client):
    with critgraph.open(graph_path, read_only=True) as db:
        want = {(n.key, n.kind, canon(n.names), canon(n.props))
                for n in db.snapshot("HEAD").nodes()}
    rows = client.compute(cdask.read_nodes(graph_path, "HEAD", 5)).result()
    got = [(r["key"], r["kind"], canon(r["names"]), canon(r["props"]))
           for r in rows.to_dict("records")]
    assert len(got) == len(set(got))
    assert set(got) == want


def test_reach_many_on_the_cluster_equals_in_process(graph_path, client):
    rng = random.Random(5)
    sources = [f"rnd/{i}" for i in rng.sample(range(3000), 40)]
    with critgraph.open(graph_path, read_only=True) as db:
        head = db.snapshot("HEAD")
        alive = [s for s in sources if head.has_node(s)]
        sources_list = alive + [alive[:3]]  # one element with several keys
        want = head.reach_many(sources_list, direction="out",
                               edge_types=["depends_on"], max_depth=3)
        want_in = db.snapshot("random-1").reach_many(
            ["jp-materials/critical-minerals"], direction="in")
    got = cdask.reach_many(graph_path, "HEAD", sources_list, direction="out",
                           edge_types=["depends_on"], max_depth=3,
                           client=client)
    assert got == want
    assert cdask.reach_many(graph_path, "random-1",
                            ["jp-materials/critical-minerals"],
                            direction="in", client=client) == want_in
    # Without a client: Dask's local scheduler, same answer.
    assert cdask.reach_many(graph_path, "HEAD", sources_list,
                            direction="out", edge_types=["depends_on"],
                            max_depth=3, ntasks=3) == want
    with pytest.raises(critgraph.NotFoundError):
        cdask.reach_many(graph_path, "HEAD", ["no/such/key"], client=client)


def test_map_revisions_runs_on_each_revision(graph_path, client):
    with critgraph.open(graph_path, read_only=True) as db:
        revs = [1, "us-cet-2022", "random-0", "HEAD"]
        want = [(s.revision, s.node_count, s.edge_count)
                for s in (db.snapshot(r) for r in revs)]
    got = cdask.map_revisions(
        graph_path, revs,
        lambda s: (s.revision, s.node_count, s.edge_count), client=client)
    assert got == want
