"""The bundled dataset: import_jsonl, counts, scoped diffs, reach, exports,
NetworkX."""
import json
import os
import subprocess

import pytest

import critgraph

# data/README.md: tag -> (nodes, edges) after each revision.
REVISIONS = [
    ("us-cet-2020", 21, 20), ("cn-14fyp-2021", 29, 27),
    ("us-cet-2022", 33, 31), ("kprogram-vision-1", 73, 97),
    ("jp-20-areas-2022", 94, 117), ("materials-2022", 151, 173),
    ("kprogram-vision-2", 184, 229), ("eu-cta-2023", 195, 239),
    ("materials-2024", 201, 245), ("us-cet-2024", 204, 249),
    ("kprogram-vision-2-rev-2025-03", 206, 252), ("curated-links", 206, 455),
]


def members(snap, list_key):
    reached = snap.reach(list_key, direction="in", edge_types=["part_of"])
    return [key for key, _ in reached if key != list_key]


def test_import_counts(dataset_db):
    db = dataset_db
    assert db.head == 12
    log = list(reversed(db.log()))
    assert [(r.tags[0], r.node_count, r.edge_count) for r in log] == REVISIONS
    assert all(r.author == "critgraph dataset converter" for r in log)
    head = db.snapshot()
    assert len(head.nodes()) == 206 and len(head.edges()) == 455
    kinds = {k: len(head.nodes(k)) for k in
             ("material", "technology", "domain", "foreign_list_entry",
              "list")}
    assert kinds == {"material": 62, "technology": 51, "domain": 43,
                     "foreign_list_entry": 44, "list": 6}


def test_us_cet_members(dataset_db):
    assert len(members(dataset_db.snapshot("us-cet-2020"), "us-cet")) == 20
    assert len(members(dataset_db.snapshot("us-cet-2022"), "us-cet")) == 19
    assert len(members(dataset_db.snapshot("us-cet-2024"), "us-cet")) == 18


def test_us_cet_diff_2022_2024(dataset_db):
    d = dataset_db.diff("us-cet-2022", "us-cet-2024", scope="us-cet",
                        direction="in", edge_types=["part_of"])
    assert d.stat()["nodes"] == {"added": 3, "removed": 4, "modified": 3}
    assert [n.key for n in d.nodes.added] == [
        "us-cet/clean-energy-generation-storage",
        "us-cet/data-privacy-security-cybersecurity", "us-cet/pnt"]
    assert "us-cet/quantum" in [c.key for c in d.nodes.modified]
    quantum = next(c for c in d.nodes.modified if c.key == "us-cet/quantum")
    assert quantum.names["en"] == (
        "Quantum Information Technologies",
        "Quantum Information and Enabling Technologies")
    # Lineage from the supersedes edges (data/README.md, "Lineage").
    lineage = {(e["kind"], tuple(e["from"]), tuple(e["to"]))
               for e in d.lineage if e["from"] != e["to"]}
    assert lineage == {
        ("merged", ("us-cet/advanced-nuclear-energy",
                    "us-cet/renewable-energy-generation-storage"),
         ("us-cet/clean-energy-generation-storage",)),
        ("renamed", ("us-cet/financial-technologies",),
         ("us-cet/data-privacy-security-cybersecurity",)),
        ("merged", ("us-cet/networked-sensors",
                    "us-cet/sensing-signature-management"),
         ("us-cet/sensing-signature-management",)),
        ("split", ("us-cet/space-technologies",),
         ("us-cet/pnt", "us-cet/space-technologies")),
    }
    renamed = sorted(e["from"][0] for e in d.lineage if e["from"] == e["to"])
    assert renamed == ["us-cet/autonomous-systems-robotics",
                       "us-cet/communication-networking", "us-cet/quantum"]
    rd = dataset_db.reach_diff("us-cet-2022", "us-cet-2024", "us-cet",
                               direction="in", edge_types="part_of")
    assert len(rd.entered) == 3 and len(rd.left) == 4


def test_golden_diff_json(dataset_db, tmp_path):
    from conftest import SOURCE_DIR
    golden = SOURCE_DIR / "tests" / "golden" / "diff_us_cet_2020_2022.json"
    d = dataset_db.diff("us-cet-2020", "us-cet-2022", scope="us-cet",
                        direction="in", edge_types=["part_of"])
    assert d.to_dict() == json.loads(golden.read_text())


def test_minerals_to_kprogram(dataset_db):
    snap = dataset_db.snapshot()
    reached = snap.reach(
        ["jp-materials/critical-minerals", "jp-materials/permanent-magnets"],
        direction="in", edge_types=["depends_on", "part_of"],
        kinds=["material", "technology"])
    techs = [k for k, _ in reached if snap.node(k).kind == "technology"]
    assert len(techs) == 5
    assert "jp-kprogram/cross-domain-cyber/heavy-rare-earth-free-magnets" \
        in techs
    rare = snap.reach("jp-materials/critical-minerals/rare-earths",
                      direction="in", edge_types=["depends_on"])
    assert ("jp-kprogram/cross-domain-cyber/heavy-rare-earth-free-magnets",
            1) in rare


def test_export_jsonl_round_trip(dataset_db, tmp_path):
    snap = dataset_db.snapshot("materials-2022")
    out = tmp_path / "m.jsonl"
    snap.export(str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["op"] == "commit"
    nodes = [json.loads(l)["key"] for l in lines if '"op":"node"' in l]
    assert nodes == sorted(nodes) and len(nodes) == 151
    with critgraph.open(str(tmp_path / "copy")) as copy:
        assert copy.import_jsonl(str(out)) == [1]
        assert copy.snapshot().digest == snap.digest


def test_export_matches_cli(dataset_db, tmp_path):
    cli = os.environ.get("CRITGRAPH_CLI")
    if not cli or not os.path.exists(cli):
        pytest.skip("CRITGRAPH_CLI not set (the CLI is not built)")
    snap = dataset_db.snapshot("eu-cta-2023")
    for fmt in ("jsonl", "graphml", "dot"):
        mine = tmp_path / f"py.{fmt}"
        theirs = tmp_path / f"cli.{fmt}"
        snap.export(str(mine), format=fmt)
        subprocess.run([cli, "export", "--db", dataset_db.path, "--at",
                        "eu-cta-2023", "--format", fmt, "--out", str(theirs)],
                       check=True, capture_output=True)
        assert mine.read_bytes() == theirs.read_bytes(), fmt


def test_export_other_formats(dataset_db, tmp_path):
    snap = dataset_db.snapshot()
    snap.export(str(tmp_path / "csv"), format="csv")
    assert (tmp_path / "csv" / "nodes.csv").stat().st_size > 0
    assert (tmp_path / "csv" / "edges.csv").stat().st_size > 0
    snap.export(str(tmp_path / "g.dot"), format="dot")
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith(
        "digraph")
    snap.export(str(tmp_path / "g.graphml"), format="graphml")
    with pytest.raises(critgraph.InvalidInputError, match="format"):
        snap.export(str(tmp_path / "x"), format="xlsx")
    # An I/O failure (critgraph.Error), naming the path and the reason.
    with pytest.raises(critgraph.Error, match="No such file or directory"):
        snap.export(str(tmp_path / "no" / "such" / "dir" / "x.jsonl"))
    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(str(tmp_path / "g.graphml"))
    assert g.number_of_nodes() == 206 and g.number_of_edges() == 455


def test_to_networkx(dataset_db):
    nx = pytest.importorskip("networkx")
    snap = dataset_db.snapshot("us-cet-2022")
    g = snap.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (30, 26)
    assert g.graph["revision"] == 3 and g.graph["digest"] == snap.digest
    assert g.nodes["us-cet/quantum"]["kind"] == "foreign_list_entry"
    assert g.nodes["us-cet/quantum"]["names"]["en"] == \
        "Quantum Information Technologies"
    assert g.edges["us-cet/quantum", "us-cet", "part_of"]["type"] == "part_of"
    assert g.in_degree("us-cet") == 19
    assert set(nx.ancestors(g, "us-cet")) == set(members(snap, "us-cet"))


def test_import_bad_line_names_file_and_line(db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"op":"node","key":"a","kind":"domain"}\n'
        '{"op":"commit","message":"one","tag":"one"}\n'
        '{"op":"node","key":"b","kind":"domain"}\n'
        '{"op":"edge","from":"b","type":"part_of","to":"ghost"}\n'
        '{"op":"commit","message":"two"}\n')
    with pytest.raises(critgraph.InvalidInputError) as info:
        db.import_jsonl(str(bad))
    assert str(info.value).startswith(f"{bad}:4: ")
    # atomic (default): one transaction, rolled back: nothing was committed.
    assert db.head == 0
    # atomic=False: each revision is published at its commit line, so the
    # first one stays, and the message says so.
    with pytest.raises(critgraph.InvalidInputError) as info:
        db.import_jsonl(str(bad), atomic=False)
    assert "revisions 1..1 of this import were committed" in str(info.value)
    assert db.head == 1 and db.resolve("one") == 1


def test_import_parse_errors_commit_nothing(db, tmp_path):
    for n, body in enumerate([
            '{"op":"node","key":"a","kind":"domain"}\n{"op":"commit"}\n'
            '{"op":"nope"}\n',
            '{"op":"node","key":"a","kind":"domain"}\n{"op":"commit"}\n'
            '{"op":"node","key":"b"',
            '{"op":"node","key":"a","kind":"domain"}\n'
            '{"op":"commit","tag":"t"}\n'
            '{"op":"node","key":"b","kind":"domain"}\n'
            '{"op":"commit","tag":"t"}\n']):
        f = tmp_path / f"bad{n}.jsonl"
        f.write_text(body)
        with pytest.raises(critgraph.InvalidInputError, match=f"bad{n}.jsonl:3|bad{n}.jsonl:4"):
            db.import_jsonl(str(f))
        assert db.head == 0
    with pytest.raises(critgraph.InvalidInputError, match="cannot open"):
        db.import_jsonl(str(tmp_path / "missing.jsonl"))


def test_import_trailing_ops(db, tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text('{"op":"node","key":"a","kind":"domain"}\n\n'
                 '{"op":"commit","message":"c1"}\n'
                 '{"op":"node","key":"b","kind":"domain"}\n')
    assert db.import_jsonl(str(f), tag="tail", effective="2024-01-01",
                           author="me") == [1, 2]
    r1, r2 = db.revision(1), db.revision(2)
    assert (r1.message, r1.author) == ("c1", "me")
    assert r2.message == f"import {f}"
    assert r2.tags == ["tail"] and r2.effective_date == "2024-01-01"
    with pytest.raises(critgraph.InvalidInputError, match="tail"):
        db.import_jsonl(str(f), tag="tail")
    assert db.head == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert db.import_jsonl(str(empty)) == []
