"""Fixtures for the critgraph Python binding tests (run by ctest as
python_binding, with the build-tree module on PYTHONPATH)."""
import os
import pathlib

import pytest

import critgraph

SOURCE_DIR = pathlib.Path(
    os.environ.get("CRITGRAPH_SOURCE_DIR",
                   pathlib.Path(__file__).resolve().parents[2]))
DATASET = SOURCE_DIR / "data" / "critgraph-dataset.jsonl"


@pytest.fixture(scope="session")
def dataset_path():
    return str(DATASET)


@pytest.fixture(scope="session")
def dataset_db(tmp_path_factory):
    """The bundled dataset imported once; tests must only read it."""
    db = critgraph.open(str(tmp_path_factory.mktemp("dataset") / "db"),
                        sync=False)
    db.import_jsonl(str(DATASET))
    yield db
    db.close()


@pytest.fixture
def db(tmp_path):
    """An empty database of one's own."""
    d = critgraph.open(str(tmp_path / "db"), sync=False)
    yield d
    d.close()


def small_graph(db):
    """Two revisions: r1 = a, b, c with a->b, b->c (part_of); r2 adds d and
    c->d (depends_on), renames b and changes a property of a->b."""
    with db.transaction(message="first", tag="r1", effective="2020-01-01",
                        author="alice") as tx:
        tx.put_node("a", "domain", names={"en": "A", "ja": "エー"},
                    props={"n": 1, "x": 1.5, "ok": True, "s": "text",
                           "l": ["p", "q"]})
        tx.put_node("b", "technology", names={"en": "B"})
        tx.put_node("c", "material")
        tx.put_edge("a", "part_of", "b", props={"w": 1})
        tx.put_edge("b", "part_of", "c")
    with db.transaction(message="second", tag=["r2", "latest"],
                        effective="2021-06-30") as tx:
        tx.put_node("d", "material")
        tx.put_node("b", "technology", names={"en": "B2"})
        tx.put_edge("c", "depends_on", "d")
        tx.put_edge("a", "part_of", "b", props={"w": 2})
    return db
