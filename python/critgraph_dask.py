"""critgraph.dask: a revision as Dask dataframes, and analytics jobs spread
over a Dask cluster (dask.distributed), each worker reading the database
itself.

Every function resolves its revision (a number, tag, HEAD, HEAD~N or
@DATE) once, in the calling process, and ships the number: all workers read
the same immutable revision, whatever a writer commits meanwhile. Workers
open the database read-only, once per process (the handle is cached, and
reopened only when asked for a revision newer than it has seen), so the
path must be reachable from every worker: a shared filesystem, or the same
copy (`critgraph backup`) at the same path on each machine. See
docs/SCALE-OUT.md.

Dask is imported only when these functions run; `import critgraph` does
not need it. Debian: python3-dask, python3-distributed, python3-pandas.
"""

import os as _os
import threading as _threading

__all__ = ["read_nodes", "read_edges", "reach_many", "map_revisions",
           "partitions"]

_lock = _threading.Lock()
_dbs = {}        # path -> read-only critgraph DB, per worker process
_adjacency = {}  # (path, revision) -> critgraph.Adjacency
_adjacency_locks = {}


def _critgraph():
    import critgraph
    return critgraph


def _open(path, revision=0):
    """This process's read-only handle of `path`, seeing `revision`."""
    with _lock:
        db = _dbs.get(path)
        if db is None or db.closed or db.head < revision:
            if db is not None and not db.closed:
                db.close()
            db = _critgraph().open(path, read_only=True)
            _dbs[path] = db
        if db.head < revision:
            raise _critgraph().NotFoundError(
                f"revision {revision} does not exist in '{path}' "
                f"(head is {db.head})")
        return db


def _resolve(path, at):
    db = _open(path)
    with db.snapshot(at) as snap:
        return snap.revision


def _absolute(path):
    # Tasks may run in another working directory, or on another machine
    # that mounts the database at the same absolute path.
    return _os.path.abspath(_os.fspath(path))


def partitions(path, at="HEAD", npartitions=8):
    """The critgraph.Partition list of revision `at` split in
    `npartitions` parts of about equal stored size."""
    path = _absolute(path)
    rev = _resolve(path, at)
    with _open(path, rev).snapshot(rev) as snap:
        return snap.partitions(npartitions)


_NODE_COLUMNS = ["key", "kind", "names", "props"]
_EDGE_COLUMNS = ["from", "type", "to", "props"]


def _frame(rows, columns):
    import pandas as pd
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.DataFrame.from_records(rows, columns=columns)


def _read_part(part, what):
    db = _open(part.db_path, part.revision)
    with db.snapshot(part.revision) as snap:
        if what == "nodes":
            return _frame(snap.partition_nodes(part), _NODE_COLUMNS)
        import pandas as pd
        return pd.DataFrame(snap.partition_edges(part, columns=True),
                            columns=_EDGE_COLUMNS)


def _read(path, at, npartitions, what):
    import dask
    import dask.dataframe as dd
    parts = partitions(path, at, npartitions)
    columns = _NODE_COLUMNS if what == "nodes" else _EDGE_COLUMNS
    tasks = [dask.delayed(_read_part)(p, what) for p in parts]
    return dd.from_delayed(tasks, meta=_frame([], columns), verify_meta=False)


def read_nodes(path, at="HEAD", npartitions=8):
    """The nodes of revision `at` as a dask DataFrame with columns key, kind,
    names (dict language -> text) and props (dict), one dataframe
    partition per critgraph Partition, read by the worker that computes it.
    Rows are in node-id order within a partition, not key order."""
    return _read(path, at, npartitions, "nodes")


def read_edges(path, at="HEAD", npartitions=8):
    """The edges of revision `at` as a dask DataFrame with columns from,
    type, to and props (dict); each edge is in the partition of its source
    node."""
    return _read(path, at, npartitions, "edges")


def _adjacency_of(path, revision):
    key = (path, revision)
    with _lock:
        adj = _adjacency.get(key)
        if adj is not None:
            return adj
        build_lock = _adjacency_locks.setdefault(key, _threading.Lock())
    with build_lock:  # one build per process, even with many worker threads
        with _lock:
            adj = _adjacency.get(key)
        if adj is None:
            with _open(path, revision).snapshot(revision) as snap:
                adj = snap.adjacency()
            with _lock:
                _adjacency[key] = adj
        return adj


def _reach_chunk(path, revision, sources, direction, edge_types, kinds,
                 max_depth):
    adj = _adjacency_of(path, revision)
    return adj.reach_many(sources, direction=direction, edge_types=edge_types,
                          kinds=kinds, max_depth=max_depth, threads=1)


def _compute(tasks, client):
    import dask
    if client is not None:
        return client.gather(client.compute(tasks))
    return list(dask.compute(*tasks))


def _chunks(items, n):
    n = max(1, min(n, len(items)))
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _default_tasks(client):
    if client is not None:
        try:
            return max(1, 2 * sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a client without workers yet
            return 4
    return 4


def reach_many(path, at, sources, direction="out", edge_types=None,
               kinds=None, max_depth=None, client=None, ntasks=None):
    """One reach per element of `sources` (each a key or a list of keys) at
    revision `at`, spread over the cluster in `ntasks` tasks (default: twice
    the client's worker threads, or 4). Each worker process builds the
    revision's Adjacency once and caches it. Returns [[(key, depth)]] in the
    order of `sources`, equal to Snapshot.reach_many. `client`: a
    dask.distributed Client; None uses Dask's current scheduler."""
    import dask
    sources = list(sources)
    if not sources:
        return []
    path = _absolute(path)
    rev = _resolve(path, at)
    chunks = _chunks(sources, ntasks or _default_tasks(client))
    tasks = [dask.delayed(_reach_chunk)(path, rev, c, direction, edge_types,
                                        kinds, max_depth) for c in chunks]
    out = []
    for part in _compute(tasks, client):
        out.extend(part)
    return out


def _map_revision(path, revision, fn):
    with _open(path, revision).snapshot(revision) as snap:
        return fn(snap)


def map_revisions(path, revs, fn, client=None):
    """[fn(snapshot of rev) for rev in revs], one task per revision, run
    across the cluster. `fn` must be picklable (cloudpickle handles
    lambdas) and must not keep the snapshot: it is closed when fn returns.
    Revision names are resolved here, before any task runs."""
    import dask
    path = _absolute(path)
    numbers = [_resolve(path, r) for r in revs]
    tasks = [dask.delayed(_map_revision)(path, r, fn) for r in numbers]
    return _compute(tasks, client)
