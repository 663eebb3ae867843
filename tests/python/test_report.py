"""critgraph.report, Diff._repr_html_ and Snapshot.crosswalk_table (issue
16): the same io/ code as `critgraph report`; checked against the values
the other calls return."""
import re

import pytest

import critgraph


def test_report_html_has_every_section_and_the_counts(dataset_db, tmp_path):
    out = tmp_path / "r.html"
    html = critgraph.report(dataset_db, out=str(out))
    assert out.read_text(encoding="utf-8") == html
    for section in ("overview", "lists", "crosswalk", "dependencies",
                    "footer"):
        assert f'id="{section}"' in html
    assert "<script" not in html
    counts = re.findall(
        r'<tr data-list="jp-kprogram">.*?<td class="n count">(\d+) ', html)
    assert counts == ["27", "50", "51"]
    snap = dataset_db.snapshot()
    for row in snap.crosswalk("jp-20-areas", all=True, dataframe=False):
        cell = (f'data-a="jp-20-areas" data-b="{row["list_b"]}" '
                f'data-links="{row["links"]}" '
                f'data-mapped-a="{row["mapped_a"]}"')
        assert cell in html
    assert snap.digest in html


def test_report_lists_and_since_narrow_it(dataset_db):
    html = critgraph.report(dataset_db, lists=["us-cet", "eu-cta"],
                            since="2022-01-01")
    assert 'id="list-us-cet"' in html and 'id="list-jp-kprogram"' not in html
    # us-cet-2020 stays as the baseline of the 2022 change.
    assert re.findall(r'<tr data-list="us-cet">.*?<td class="n count">(\d+) ',
                      html) == ["20", "19", "18"]
    html = critgraph.report(dataset_db, lists=["us-cet"], since="2023-01-01")
    assert re.findall(r'<tr data-list="us-cet">.*?<td class="n count">(\d+) ',
                      html) == ["19", "18"]


def test_report_errors_name_the_list_and_revision(dataset_db):
    with pytest.raises(critgraph.NotFoundError, match="nosuch"):
        critgraph.report(dataset_db, lists=["nosuch"])
    with pytest.raises(critgraph.NotFoundError, match="no-such-tag"):
        critgraph.report(dataset_db, at="no-such-tag")


def test_diff_repr_html_shows_lineage_and_names(dataset_db):
    d = dataset_db.diff("us-cet-2022", "us-cet-2024", list="us-cet")
    html = d._repr_html_()
    assert "クリーンエネルギー生成と貯蔵" in html
    for ev in d.lineage:
        assert f'class="k-{ev["kind"]}"' in html


def test_crosswalk_table_repr_html_highlights_unmapped(dataset_db):
    snap = dataset_db.snapshot()
    t = snap.crosswalk_table("jp-20-areas", "us-cet")
    rows = snap.crosswalk("jp-20-areas", "us-cet", dataframe=False)
    assert t.links == sum(1 for r in rows if r["a_key"] and r["b_key"])
    html = t._repr_html_()
    unmapped = sum(1 for r in rows if not (r["a_key"] and r["b_key"]))
    assert html.count('class="unmapped"') == unmapped > 0
