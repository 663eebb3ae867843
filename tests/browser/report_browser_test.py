#!/usr/bin/env python3
"""Renders the demo's HTML report in headless Chromium and checks it.

usage: report_browser_test.py CRITGRAPH_BINARY [--screenshot PNG]

Fails (exit 1) on: a console error or failed load, a fetch of anything
(the report must be self-contained), a missing section, an image or SVG
that did not render, text overflowing its box in the lineage pictures or
the crosswalk tables, a page wider than a 1280 px viewport, and on the
bundled dataset's facts (US CET split and merge, K Program 27/50/51, the
Japan 20 areas crosswalk counts equal to `critgraph crosswalk --all`).
First it checks the checker: a page with each defect must fail each check.
Chromium missing is a failure, not a skip (scripts/dev.sh installs it).
Python standard library only.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_JS = os.path.join(HERE, "report_check.js")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("FAIL: no chromium on PATH (scripts/dev.sh installs Debian's "
             "chromium package)")


def chromium_args(width, height):
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--no-first-run", "--disable-extensions",
            f"--window-size={width},{height}", "--virtual-time-budget=10000"]


def measure(page_html, workdir, name):
    """The checker's results for `page_html` rendered at 1280 px."""
    with open(CHECK_JS, encoding="utf-8") as f:
        script = "<script>" + f.read() + "</script>"
    instrumented = page_html.replace("<head>", "<head>" + script, 1)
    path = os.path.join(workdir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(instrumented)
    proc = subprocess.run(
        chromium_args(1280, 1000) + ["--enable-logging=stderr", "--v=0",
                                     "--dump-dom", "file://" + path],
        capture_output=True, text=True, timeout=90)
    # The last match: the script's own comment names the element too.
    matches = re.findall(r'<pre id="critgraph-test-results">(.*?)</pre>',
                         proc.stdout, re.S)
    if not matches:
        sys.exit(f"FAIL: {name}: no results in Chromium's DOM (exit "
                 f"{proc.returncode}): {proc.stderr[-2000:]}")
    results = json.loads(html.unescape(matches[-1]))
    # Uncaught exceptions are also logged by Chromium itself.
    for line in proc.stderr.splitlines():
        if "CONSOLE" in line and ("Uncaught" in line or "Error" in line):
            results["errors"].append(line.strip())
    return results


def problems(r):
    """Generic defects of a rendered page, as messages."""
    out = []
    out += r["errors"]
    out += ["fetched " + u for u in r["resources"]]
    out += ["did not render: " + i for i in r["images"]]
    out += r["overflow"]
    if r["scrollWidth"] > r["innerWidth"]:
        out.append(f"page is {r['scrollWidth']} px wide in a "
                   f"{r['innerWidth']} px viewport")
    for section, length in r["sections"].items():
        if length <= 0:
            out.append(f"section #{section} missing or empty")
    return out


BROKEN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body><section id="overview">x</section>
<figure class="lineage" data-list="l"><svg width="300" height="100">
<g class="node"><polygon points="0,0 40,0 40,20 0,20"/>
<text x="2" y="15" font-size="14">a label far too long for its box</text></g>
</svg></figure>
<img src="missing-picture.png">
<div style="width:3000px">wide</div>
<script>console.error("boom")</script></body></html>"""


def check_the_checker(workdir):
    r = measure(BROKEN_PAGE, workdir, "broken.html")
    found = "\n".join(problems(r))
    for needle in ("console.error: boom", "overflows its box",
                   "missing-picture.png", "px wide", "#footer missing"):
        if needle not in found:
            sys.exit(f"FAIL: the checker missed '{needle}' on a broken page:"
                     f"\n{found}")


def crosswalk_counts(cli, db, list_a):
    out = subprocess.run([cli, "--db", db, "crosswalk", list_a, "--all",
                          "--json"], capture_output=True, text=True,
                         check=True).stdout
    doc = json.loads(out)
    return {row["list_b"]: (row["links"], row["mapped_a"])
            for row in doc["lists"]}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cli = sys.argv[1]
    screenshot = None
    if "--screenshot" in sys.argv:
        screenshot = sys.argv[sys.argv.index("--screenshot") + 1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="critgraph-report-") as tmp:
        check_the_checker(tmp)
        db = os.path.join(tmp, "demo.db")
        demo = subprocess.run([cli, "demo", "--db", db], capture_output=True,
                              text=True, check=True).stdout
        report = os.path.join(tmp, "critgraph-report.html")
        if "report: " + report not in demo:
            failures.append("demo did not print the report's path " + report)
        with open(report, encoding="utf-8") as f:
            page = f.read()
        for bad in ("<script", "http://", "https://", "@import", "url("):
            # The SVG namespace and Graphviz's doctype are no fetches.
            hits = [m for m in re.finditer(re.escape(bad), page)
                    if "www.w3.org" not in page[m.start():m.start() + 40]]
            if hits:
                failures.append(f"the report contains '{bad}'")
        r = measure(page, tmp, "report.html")
        failures += problems(r)

        for lst in ("us-cet", "jp-kprogram", "jp-materials"):
            fig = r["lineage"].get(lst)
            if not fig or fig["nodes"] == 0 or fig["height"] == 0:
                failures.append(f"no lineage picture for {lst}")
        us = r["lineage"].get("us-cet", {"strokes": []})
        for colour, what in (("#d97706", "split"), ("#2563eb", "merge")):
            if colour not in us["strokes"]:
                failures.append(f"US CET lineage picture shows no {what}")
        events = " ".join(r["events"].get("list-us-cet", []))
        if "split" not in events or "advanced-sensing" not in events:
            failures.append("US CET change tables lack the sensing split")
        if "merged" not in events or "clean-energy" not in events:
            failures.append("US CET change tables lack the clean-energy merge")
        if r["versions"].get("us-cet") != [20, 19, 18]:
            failures.append(f"US CET versions {r['versions'].get('us-cet')}")
        if r["versions"].get("jp-kprogram") != [27, 50, 51]:
            failures.append("K Program counts "
                            f"{r['versions'].get('jp-kprogram')} != 27, 50, 51")
        want = crosswalk_counts(cli, db, "jp-20-areas")
        got = {c["b"]: (c["links"], c["mapped_a"]) for c in r["matrix"]
               if c["a"] == "jp-20-areas"}
        for other in ("us-cet", "eu-cta", "cn-14fyp"):
            if other not in want or want[other] != got.get(other):
                failures.append(f"crosswalk jp-20-areas x {other}: report "
                                f"{got.get(other)}, CLI {want.get(other)}")
        if r["pairs"] == 0 or r["unmapped"] == 0:
            failures.append("no crosswalk pair tables or no unmapped rows")

        if screenshot:
            subprocess.run(chromium_args(1280, 2400) + [
                f"--screenshot={os.path.abspath(screenshot)}",
                "file://" + report], capture_output=True, timeout=90)
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print(f"OK: report rendered in Chromium at 1280 px; "
          f"{len(r['lineage'])} lineage pictures, {len(r['matrix'])} "
          f"crosswalk cells, {r['pairs']} pair tables, no overflow")
    return 0


if __name__ == "__main__":
    sys.exit(main())
