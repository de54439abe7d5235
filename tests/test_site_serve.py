"""``python -m pipeline.site``: the command line, and the served site over HTTP.

One server per module (``serve`` in a subprocess on a free port, on the gold of
the 2021 notice and the invented 2023 version); the pages and Datasette's JSON
API are read with urllib.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, load_gold
from tests.goldversions import ROOT, gold_notice, write_gold_version

V2021 = gold_notice("2021")["version"]
V2023 = gold_notice("2023")["version"]
GOLD = {V2021: GOLD_2021, V2023: GOLD_2023}
TEXT_FIELDS = ("name", "content", "basis_text", "department_text", "remarks")
CMD = [sys.executable, "-m", "pipeline.site"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, database path) of a running ``serve``; stopped after the module."""
    root = tmp_path_factory.mktemp("extracted")
    write_gold_version(root, "2021")
    write_gold_version(root, "2023")
    db = tmp_path_factory.mktemp("site") / "lists.db"
    proc = subprocess.Popen(
        [*CMD, "serve", "--port", str(_free_port()), "--extracted", str(root), "--db", str(db),
         "--sources", str(ROOT / "raw"), "--sources", str(FIXTURES)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), (url, proc.poll() or "")
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(url + "-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
                time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _json(url: str, path: str, **params) -> list | dict:
    query = urllib.parse.urlencode(params, doseq=True)
    return json.loads(_get(f"{url}{path}?{query}"))


def _search(url: str, words: str) -> set[tuple[str, int]]:
    rows = _json(url, "lists/items.json", _search=words, _shape="array", _size="max",
                 _col=["version", "seq"])
    return {(r["version"], r["seq"]) for r in rows}


def _gold_containing(*words: str, fields=TEXT_FIELDS) -> set[tuple[str, int]]:
    from tests.goldtables import tasks_text

    found = set()
    for version, path in GOLD.items():
        for item in load_gold(path)["items"]:
            text = "\n".join([*(item.get(f) or "" for f in fields), tasks_text(item["tasks"])])
            if all(w in text for w in words):
                found.add((version, item["seq"]))
    return found


@pytest.mark.parametrize("words", ["公安", "民政", "安全生产", "公安 噪声", "社会救助"])
def test_search_box_finds_every_item_holding_the_words_in_every_version(served, words):
    url, _ = served
    expected = _gold_containing(*words.split())
    assert expected
    assert _search(url, words) == expected


def test_searching_gongan_lists_the_items_with_gongan_in_departments_or_tasks(served):
    url, _ = served
    found = _search(url, "公安")
    with_gongan = set()
    for version, path in GOLD.items():
        for item in load_gold(path)["items"]:
            if any("公安" in d for d in item["departments"]) or any(
                    "公安" in t["text"] for t in item["tasks"]):
                with_gongan.add((version, item["seq"]))
    assert with_gongan <= found
    assert {v for v, _ in found} == {V2021, V2023}


def test_other_tables_are_searchable_too(served):
    url, _ = served
    rows = _json(url, "lists/departments.json", _search="民政", _shape="array", _size="max")
    assert rows and all("民政" in r["department"] for r in rows)


def test_search_page_shows_the_search_box_and_the_chinese_results(served):
    url, _ = served
    page = _get(url + "lists/items?" + urllib.parse.urlencode({"_search": "民政"})).decode()
    assert 'name="_search" value="民政"' in page
    assert "民政部门" in page and "清单事项" in page


def test_an_item_links_to_its_rows_and_to_its_page_in_the_source_file(served):
    url, _ = served
    item = _json(url, "lists/items.json", version=V2021, seq=1, _shape="array")[0]
    page = _get(url + f"lists/items/{item['item_id']}").decode()
    sha = gold_notice("2021")["source_sha256"]
    assert f'href="/sources/{sha}.pdf#page=1"' in page
    for table in ("tasks", "citations", "departments"):
        assert f"from item_id in {table}" in page
    pdf = _get(f"{url}sources/{sha}.pdf")
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == sha
    tasks = _json(url, "lists/tasks.json", item_id=item["item_id"], _shape="array")
    assert len(tasks) == len([t for i in load_gold(GOLD_2021)["items"] if i["seq"] == 1
                              for t in (*i["tasks"], *(c for t in i["tasks"]
                                                       for c in t["children"]))])


def test_facets_on_department_law_and_version(served):
    url, _ = served
    data = _json(url, "lists/items.json", _search="公安")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # Datasette 1.x nests them
    assert {"version", "departments", "laws"} <= set(facets)
    departments = {f["value"]: f["count"] for f in facets["departments"]["results"]}
    assert departments["公安部门"] == len(
        {k for k in _gold_containing("公安") if k in _items_with_department("公安部门")})


def _items_with_department(name: str) -> set[tuple[str, int]]:
    return {(v, i["seq"]) for v, path in GOLD.items() for i in load_gold(path)["items"]
            if name in i["departments"]}


def test_pages_load_nothing_from_another_host(served):
    url, _ = served
    for path in ("", "lists", "lists/items", "lists/items/1", "lists/departments_changed",
                 "lists/items?_search=%E5%85%AC%E5%AE%89"):
        page = _get(url + path).decode()
        assets = re.findall(r"<(?:script|link|img|iframe)\b[^>]*?(?:src|href)=\"([^\"]+)\"", page)
        external = [a for a in assets if re.match(r"(https?:)?//", a)
                    and not a.startswith(url)]
        assert external == [], (path, external)
        assert "@import" not in page and "cdn" not in page.lower()


def test_the_database_is_served_read_only(served):
    url, db = served
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    databases = _json(url, "-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("lists", False)]
    _get(url + "lists/items?" + urllib.parse.urlencode({"_search": "公安"}))
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_canned_queries_are_listed_and_run(served):
    url, _ = served
    rows = _json(url, "lists/items_citing_law.json", law="安全生产法", _shape="array")
    assert rows and all("安全生产法" in r["law"] for r in rows)
    page = _get(url + "lists").decode()
    for name in ("tasks_per_department", "departments_changed", "items_citing_law"):
        assert f'href="/lists/{name}"' in page


def test_help_names_both_commands_and_the_defaults():
    run = subprocess.run([*CMD, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "build" in run.stdout and "serve" in run.stdout
    run = subprocess.run([*CMD, "serve", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert "default 127.0.0.1" in run.stdout and "--port N" in run.stdout


def test_build_prints_the_database_path(tmp_path):
    write_gold_version(tmp_path / "extracted", "2021")
    db = tmp_path / "out" / "lists.db"
    run = subprocess.run([*CMD, "build", "--extracted", str(tmp_path / "extracted"),
                          "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(db) and db.is_file()


def test_no_extracted_version_is_one_error_line(tmp_path):
    common = ["--extracted", str(tmp_path), "--db", str(tmp_path / "lists.db")]
    for args in (["build", *common], ["serve", *common, "--port", str(_free_port())]):
        run = subprocess.run([*CMD, *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 1, args
        assert run.stderr.startswith("error: ") and "no extracted version" in run.stderr
        assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1


def test_a_busy_port_is_one_error_line_before_anything_is_built(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([*CMD, "serve", "--port", str(port), "--extracted",
                              str(tmp_path / "none"), "--db", str(tmp_path / "lists.db")],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert "--port N" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "lists.db").exists()


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_bad_port_is_a_usage_error(port):
    run = subprocess.run([*CMD, "serve", "--port", port], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2 and "not a port number" in run.stderr
