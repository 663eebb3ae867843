# Type stub for the critgraph Python module (a pybind11 extension).
# Guide: docs/PYTHON.md.
import builtins
import datetime
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, Optional, TypedDict, Union, overload

__version__: str
BUILTIN_NODE_KINDS: tuple[str, ...]
BUILTIN_EDGE_TYPES: tuple[str, ...]

PropertyValue = Union[str, int, float, bool, list[str]]
RevisionSpec = Union[int, str]
"""A revision number, or a name: a number, tag, 'HEAD', 'HEAD~N', '@YYYY-MM-DD'.
DB.snapshot and DB.diff also take 'draft:NAME' (a draft's newest commit)."""
Direction = Literal["out", "in", "both"]
StrOrStrs = Union[str, Iterable[str]]
ExportFormat = Literal["jsonl", "csv", "graphml", "dot"]

class Error(Exception):
    """Base of every critgraph error; str(e) is the C++ status message."""
    # Set on the error of DB.merge / DB.rebase with unresolved conflicts.
    report: MergeReport

class NotFoundError(Error, KeyError):
    """Unknown key, edge, revision or tag (absl NotFound)."""

class InvalidInputError(Error, ValueError):
    """Bad input (absl InvalidArgument or AlreadyExists)."""

class CorruptionError(Error):
    """Stored data failed verification (absl DataLoss)."""

class LockedError(Error):
    """Another process has the database open for writing (absl Unavailable)."""

class Node(Mapping[str, Any]):
    """A node: a read-only mapping with keys 'key', 'kind', 'names', 'props'."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def names(self) -> dict[str, str]: ...
    @property
    def props(self) -> dict[str, PropertyValue]: ...
    def name(self, lang: str = "en") -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __getitem__(self, key: str) -> Any: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...

class Edge(Mapping[str, Any]):
    """An edge: a read-only mapping with keys 'from', 'type', 'to', 'props'."""

    @property
    def from_key(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def to_key(self) -> str: ...
    @property
    def props(self) -> dict[str, PropertyValue]: ...
    @property
    def id(self) -> tuple[str, str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __getitem__(self, key: str) -> Any: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...

class RevisionInfo:
    number: int
    parent: int
    commit_time_micros: int
    author: str
    message: str
    tags: list[str]
    backdated: bool
    node_count: int
    edge_count: int
    change_count: int
    @property
    def commit_time(self) -> datetime.datetime: ...
    @property
    def nodes_by_kind(self) -> Optional[dict[str, int]]: ...
    @property
    def edges_by_type(self) -> Optional[dict[str, int]]: ...
    @property
    def effective_date(self) -> Optional[str]: ...
    @property
    def digest(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class NodeChange:
    key: str
    kind_before: str
    kind_after: str
    before: Node
    after: Node
    @property
    def names(self) -> dict[str, tuple[Optional[str], Optional[str]]]: ...
    @property
    def props(
        self,
    ) -> dict[str, tuple[Optional[PropertyValue], Optional[PropertyValue]]]: ...

class EdgeChange:
    @property
    def from_key(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def to_key(self) -> str: ...
    @property
    def id(self) -> tuple[str, str, str]: ...
    @property
    def props(
        self,
    ) -> dict[str, tuple[Optional[PropertyValue], Optional[PropertyValue]]]: ...
    @property
    def before(self) -> dict[str, PropertyValue]: ...
    @property
    def after(self) -> dict[str, PropertyValue]: ...

class DiffPart:
    """added and removed: Node (or Edge) lists; modified: NodeChange (or
    EdgeChange) list; each sorted."""

    @property
    def added(self) -> list[Any]: ...
    @property
    def removed(self) -> list[Any]: ...
    @property
    def modified(self) -> list[Any]: ...

class Diff:
    @property
    def from_revision(self) -> int: ...
    @property
    def to_revision(self) -> int: ...
    @property
    def nodes(self) -> DiffPart: ...
    @property
    def edges(self) -> DiffPart: ...
    @property
    def node_kinds_registered(self) -> list[str]: ...
    @property
    def edge_types_registered(self) -> list[str]: ...
    @property
    def empty(self) -> bool: ...
    @property
    def lineage(self) -> list[dict[str, Any]]: ...
    def stat(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_jsonl(self) -> str: ...
    def _repr_html_(self) -> str: ...

class CrosswalkTable:
    list_a: str
    list_b: str
    revision: int
    links: int
    entries_a: int
    entries_b: int
    mapped_a: int
    mapped_b: int
    def to_json(self) -> str: ...
    def _repr_html_(self) -> str: ...

class ReachDiff:
    @property
    def entered(self) -> list[tuple[str, int]]: ...
    @property
    def left(self) -> list[tuple[str, int]]: ...
    @property
    def depth_changed(self) -> list[tuple[str, int, int]]: ...
    @property
    def empty(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

class Snapshot:
    @property
    def revision(self) -> int: ...
    @property
    def digest(self) -> str: ...
    @property
    def info(self) -> RevisionInfo: ...
    @property
    def node_count(self) -> int: ...
    @property
    def edge_count(self) -> int: ...
    def node(self, key: str) -> Node: ...
    def has_node(self, key: str) -> bool: ...
    def __contains__(self, key: object) -> bool: ...
    def edge(self, from_key: str, type: str, to_key: str) -> Edge: ...
    def nodes(self, kind: Optional[str] = None) -> list[Node]: ...
    def edges(self) -> list[Edge]: ...
    def out_edges(self, key: str, types: Optional[StrOrStrs] = None) -> list[Edge]: ...
    def in_edges(self, key: str, types: Optional[StrOrStrs] = None) -> list[Edge]: ...
    def node_kinds(self) -> list[str]: ...
    def edge_types(self) -> list[str]: ...
    @overload
    def reach(
        self,
        sources: StrOrStrs,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        parents: Literal[False] = False,
        list: Optional[str] = None,
        *,
        plan: Literal["auto", "seek", "scan", "adjacency"] = "auto",
    ) -> list[tuple[str, int]]: ...
    @overload
    def reach(
        self,
        sources: StrOrStrs,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        *,
        parents: Literal[True],
        list: Optional[str] = None,
        plan: Literal["auto", "seek", "scan", "adjacency"] = "auto",
    ) -> list[tuple[str, int, Optional[str]]]: ...
    def reach_many(
        self,
        sources_list: Iterable[StrOrStrs],
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        threads: int = 0,
    ) -> list[list[tuple[str, int]]]: ...
    def neighbourhood(
        self,
        key: str,
        k: int,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
    ) -> list[tuple[str, int]]: ...
    def path(
        self,
        a: str,
        b: str,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
    ) -> Optional[list[str]]: ...
    def export(
        self, path: str, format: ExportFormat = "jsonl", list: Optional[str] = None
    ) -> None: ...
    def list_entries(self, list: str) -> builtins.list[tuple[str, int, str]]: ...
    def stats(self, list: Optional[str] = None) -> dict[str, Any]: ...
    def find(
        self, text: str = "", kind: Optional[str] = None, list: Optional[str] = None
    ) -> builtins.list[dict[str, Any]]: ...
    def crosswalk(
        self,
        list_a: str,
        list_b: Optional[str] = None,
        edge_types: Optional[StrOrStrs] = None,
        all: bool = False,
        dataframe: Optional[bool] = None,
    ) -> Any: ...  # list of dicts, or a pandas DataFrame
    def crosswalk_json(
        self, list_a: str, list_b: str, edge_types: Optional[StrOrStrs] = None
    ) -> str: ...
    def crosswalk_table(
        self, list_a: str, list_b: str, edge_types: Optional[StrOrStrs] = None
    ) -> CrosswalkTable: ...
    def to_networkx(self) -> Any:  # networkx.MultiDiGraph
        ...
    def partitions(self, n: int) -> builtins.list[Partition]: ...
    def partition_nodes(
        self, part: Partition
    ) -> builtins.list[tuple[str, str, dict[str, str], dict[str, PropertyValue]]]: ...
    def partition_edges(
        self, part: Partition, columns: bool = False
    ) -> Any: ...  # [(from, type, to, props)], or {column: [values]}
    def adjacency(self) -> Adjacency: ...
    def close(self) -> None: ...
    def __enter__(self) -> Snapshot: ...
    def __exit__(self, *args: object) -> bool: ...

class Partition:
    """One node-id range of a revision (Snapshot.partitions); picklable."""
    db_path: str
    revision: int
    first_id: int
    end_id: int
    index: int
    count: int
    def serialize(self) -> str: ...
    @staticmethod
    def parse(text: str) -> Partition: ...

class Adjacency:
    """An in-memory CSR of one revision (Snapshot.adjacency)."""
    revision: int
    node_count: int
    edge_count: int
    def reach(
        self,
        sources: StrOrStrs,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        parents: bool = False,
    ) -> list[Any]: ...
    def reach_many(
        self,
        sources_list: Iterable[StrOrStrs],
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        threads: int = 0,
    ) -> list[list[tuple[str, int]]]: ...

class _DaskModule:
    """critgraph.dask (docs/SCALE-OUT.md); needs dask, distributed, pandas."""
    def partitions(
        self, path: str, at: RevisionSpec = "HEAD", npartitions: int = 8
    ) -> list[Partition]: ...
    def read_nodes(
        self, path: str, at: RevisionSpec = "HEAD", npartitions: int = 8
    ) -> Any: ...  # dask.dataframe.DataFrame
    def read_edges(
        self, path: str, at: RevisionSpec = "HEAD", npartitions: int = 8
    ) -> Any: ...  # dask.dataframe.DataFrame
    def reach_many(
        self,
        path: str,
        at: RevisionSpec,
        sources: Iterable[StrOrStrs],
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        client: Any = None,
        ntasks: Optional[int] = None,
    ) -> list[list[tuple[str, int]]]: ...
    def map_revisions(
        self, path: str, revs: Iterable[RevisionSpec], fn: Any, client: Any = None
    ) -> list[Any]: ...

dask: _DaskModule

class Transaction:
    @property
    def pending_revision(self) -> int: ...
    @property
    def revision(self) -> Optional[int]: ...
    @property
    def active(self) -> bool: ...
    def put_node(
        self,
        key: str,
        kind: str,
        names: Optional[dict[str, str]] = None,
        props: Optional[dict[str, PropertyValue]] = None,
    ) -> None: ...
    def put_edge(
        self,
        from_key: str,
        type: str,
        to_key: str,
        props: Optional[dict[str, PropertyValue]] = None,
    ) -> None: ...
    def delete_node(self, key: str) -> None: ...
    def delete_edge(self, from_key: str, type: str, to_key: str) -> None: ...
    def register_node_kind(self, name: str) -> None: ...
    def register_edge_type(self, name: str) -> None: ...
    def get_node(self, key: str) -> Node: ...
    def apply(self, line: str) -> None: ...
    def commit(
        self,
        message: Optional[str] = None,
        tag: Optional[StrOrStrs] = None,
        effective: Optional[str] = None,
        author: Optional[str] = None,
        backdate: Optional[bool] = None,
    ) -> int: ...
    def rollback(self) -> None: ...
    def __enter__(self) -> Transaction: ...
    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool: ...

class DraftInfo(TypedDict):
    """A draft (DB.create_draft, DB.drafts, DB.draft_info, Draft.info)."""
    name: str
    base: int  # the main revision the draft starts from
    base_digest: str
    start: int  # the draft database's revision holding base's content
    head: int  # the draft database's newest revision
    commits: int  # head - start
    created: datetime.datetime
    created_micros: int
    path: str

class MergeCounts(TypedDict):
    added: int
    removed: int
    modified: int

class MergeConflict(TypedDict):
    kind: Literal["content", "delete-modify", "edge-to-deleted-node", "kind"]
    entity: Literal["node", "edge"]
    key: str  # the node key; for an edge, its endpoint in question
    edge: Optional[dict[str, str]]  # {'from', 'type', 'to'} for an edge
    fields: list[str]  # content conflicts: 'name:LANG', 'prop:NAME'
    # The entity at base, main's head and the draft (Node/Edge dicts).
    base: Optional[dict[str, Any]]
    head: Optional[dict[str, Any]]
    draft: Optional[dict[str, Any]]
    resolution: Optional[Literal["draft", "head", "file"]]  # None: unresolved

class MergeReport(TypedDict):
    draft: str
    base: int
    head: int  # main's HEAD merged into (rebase: the target revision)
    draft_head: int
    dry_run: bool
    committed: Optional[int]  # rebase: a revision of the draft database
    digest: Optional[str]
    nodes: MergeCounts
    edges: MergeCounts
    unresolved: int
    conflicts: list[MergeConflict]

Resolution = Union[dict[str, Any], str]
"""A change-stream op as a dict, or JSONL text of one or more ops."""

class Draft:
    """An open draft (DB.draft); holds its write lock until closed."""
    @property
    def info(self) -> DraftInfo: ...
    @property
    def name(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def transaction(
        self,
        message: str = "",
        tag: Optional[StrOrStrs] = None,
        effective: Optional[str] = None,
        author: str = "",
        backdate: bool = False,
    ) -> Transaction: ...
    def snapshot(self) -> Snapshot: ...
    def log(self) -> list[RevisionInfo]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Draft: ...
    def __exit__(self, *args: object) -> bool: ...

class DB:
    @property
    def path(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def head(self) -> int: ...
    def resolve(self, name: RevisionSpec) -> int: ...
    def log(self) -> list[RevisionInfo]: ...
    def revision(self, rev: RevisionSpec) -> RevisionInfo: ...
    def tag(self, name: str, rev: RevisionSpec = "HEAD", force: bool = False) -> None: ...
    def delete_tag(self, name: str, force: bool = False) -> None: ...
    def snapshot(self, rev: RevisionSpec = "HEAD") -> Snapshot: ...
    def revision_stat(self, rev: RevisionSpec) -> dict[str, Any]: ...
    def history(
        self,
        key: str,
        edges: bool = False,
        follow: bool = False,
        at: RevisionSpec = "HEAD",
    ) -> list[dict[str, Any]]: ...
    def verify(self) -> dict[str, Any]: ...
    @property
    def follower(self) -> bool: ...
    def refresh(self) -> int: ...
    def gc(
        self,
        keep_tags: bool = False,
        keep_last: Optional[int] = None,
        keep_since: Optional[str] = None,
        keep: Optional[list[RevisionSpec]] = None,
        dry_run: bool = False,
    ) -> dict[str, Any]: ...
    def diff(
        self,
        a: RevisionSpec,
        b: RevisionSpec,
        scope: Optional[str] = None,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
        list: Optional[str] = None,
    ) -> Diff: ...
    def lists(self, rev: RevisionSpec = "HEAD") -> builtins.list[dict[str, Any]]: ...
    def list_changes(self, list: str) -> builtins.list[int]: ...
    def reach_diff(
        self,
        a: RevisionSpec,
        b: RevisionSpec,
        sources: StrOrStrs,
        direction: Direction = "out",
        edge_types: Optional[StrOrStrs] = None,
        kinds: Optional[StrOrStrs] = None,
        max_depth: Optional[int] = None,
    ) -> ReachDiff: ...
    def transaction(
        self,
        message: str = "",
        tag: Optional[StrOrStrs] = None,
        effective: Optional[str] = None,
        author: str = "",
        backdate: bool = False,
    ) -> Transaction: ...
    def import_jsonl(
        self,
        path: str,
        message: Optional[str] = None,
        tag: Optional[StrOrStrs] = None,
        effective: Optional[str] = None,
        author: Optional[str] = None,
        atomic: bool = True,
        backdate: bool = False,
    ) -> list[int]: ...
    def import_csv(
        self,
        dir: Optional[str] = None,
        nodes: Optional[str] = None,
        edges: Optional[str] = None,
        message: Optional[str] = None,
        tag: Optional[str] = None,
        effective: Optional[str] = None,
        author: Optional[str] = None,
        backdate: bool = False,
        merge_props: bool = False,
        replace_props: bool = False,
    ) -> int: ...
    def draft(self, name: str) -> Draft: ...
    def create_draft(
        self, name: str, base: Optional[RevisionSpec] = None
    ) -> DraftInfo: ...
    def drafts(self) -> builtins.list[DraftInfo]: ...
    def draft_info(self, name: str) -> DraftInfo: ...
    def drop_draft(self, name: str) -> None: ...
    def merge(
        self,
        name: str,
        dry_run: bool = False,
        prefer: Optional[Literal["draft", "head"]] = None,
        resolutions: Optional[Iterable[Resolution]] = None,
        message: Optional[str] = None,
        tag: Optional[StrOrStrs] = None,
        effective: Optional[str] = None,
        author: Optional[str] = None,
    ) -> MergeReport: ...
    def rebase(
        self,
        name: str,
        onto: Optional[RevisionSpec] = None,
        prefer: Optional[Literal["draft", "head"]] = None,
        resolutions: Optional[Iterable[Resolution]] = None,
        dry_run: bool = False,
        message: Optional[str] = None,
    ) -> MergeReport: ...
    def close(self) -> None: ...
    def __enter__(self) -> DB: ...
    def __exit__(self, *args: object) -> bool: ...

def open(
    path: str,
    read_only: bool = False,
    create: bool = True,
    sync: bool = True,
    follow: bool = False,
    flush_on_commit: bool = False,
) -> DB: ...
def backup(
    source: Union[DB, str], dest: str, incremental: bool = False
) -> dict[str, Any]: ...
def list_backups(dir: str) -> list[dict[str, Any]]: ...
def restore(
    src: str, dest: str, backup_id: Optional[int] = None
) -> dict[str, Any]: ...
def report(
    db: DB,
    at: Optional[Union[int, str]] = None,
    lists: Optional[StrOrStrs] = None,
    since: str = "",
    out: Optional[str] = None,
) -> str: ...
