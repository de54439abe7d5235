"""The site in a real browser: headless Chromium (Debian's) driven by Selenium through the
system chromedriver loads the home page, searches 公安, opens an item and finds its Chinese
text in the DOM.

The site is served from real extractions of the 2021 notice and the invented 2023
version (not the gold), so pages and links are what ``make serve`` shows.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.goldtables import FIXTURES
from tests.goldversions import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PDFS = (ROOT / "raw" / "notice-2021.pdf", FIXTURES / "notice-2023-synthetic-INVENTED.pdf")

pytestmark = [pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
           "/usr/bin/chromedriver); .ci/run installs them"),
    pytest.mark.slow]  # a real browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(root: Path, db: Path, *sources: Path):
    """``site serve`` of the folders under ``root`` in a child: yields its URL once it
    answers, stops it after."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.site", "serve", "--port", str(_free_port()),
         "--extracted", str(root), "--db", str(db),
         *(a for src in sources for a in ("--sources", str(src)))],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() else url
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Both notices extracted by the real chain into one root; their items by version."""
    from pipeline.extract import run
    from pipeline.output.write import write_tables

    root = tmp_path_factory.mktemp("extracted")
    items = {}
    for pdf in PDFS:
        extraction = run(pdf)
        version = extraction.notice["version"]
        frames = extraction.frames()
        write_tables(frames, root / version, {"notice.json": extraction.notice})
        items[version] = frames["items"]
    return root, items


@pytest.fixture(scope="module")
def site_url(extracted, tmp_path_factory):
    root, _ = extracted
    db = tmp_path_factory.mktemp("site") / "lists.db"
    yield from _serve(root, db, ROOT / "raw", FIXTURES)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1200,900",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_search_gongan_then_open_an_item_in_a_real_browser(site_url, browser, extracted):
    from selenium.webdriver.common.by import By

    _, items = extracted
    with_gongan = {(v, int(r.seq)) for v, df in items.items() for r in df.itertuples()
                   if "公安" in "".join(str(getattr(r, f)) for f in (
                       "name", "content", "tasks_text", "basis_text", "department_text",
                       "remarks"))}
    assert {v for v, _ in with_gongan} == set(items)  # both versions hold 公安

    browser.get(site_url)
    assert "清单浏览" in browser.find_element(By.TAG_NAME, "h1").text
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("公安")
    box.submit()
    assert "/lists/items" in browser.current_url
    assert f"{len(with_gongan)} rows where search matches" in browser.page_source

    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    seqs = sorted(int(r.find_element(By.CSS_SELECTOR, "td.col-seq").text) for r in rows)
    assert seqs == sorted(seq for _, seq in with_gongan)
    for version in items:  # a version cell shows the document number and the version
        assert any(version in r.find_element(By.CSS_SELECTOR, "td.col-version").text
                   for r in rows)

    rows[0].find_element(By.CSS_SELECTOR, "td.col-item_id a").click()
    assert re.search(r"/lists/items/\d+$", browser.current_url)
    body = browser.find_element(By.TAG_NAME, "body").text
    name = browser.find_element(By.CSS_SELECTOR, "td.col-name").text
    assert name in {n for df in items.values() for n in df["name"]}
    assert "公安" in body and "Links from other tables" in body
    page_link = browser.find_element(By.CSS_SELECTOR, "td.col-page_start a")
    assert re.search(r"/sources/[0-9a-f]{64}\.pdf#page=\d+$", page_link.get_attribute("href"))

    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(r.startswith(site_url) for r in resources), resources



# --- 权责清单 of several departments beside the assist lists -----------------------

@pytest.fixture(scope="module")
def family_site_url(tmp_path_factory):
    """The site of the 2021 assist gold and three departments' 权责清单
    (``tests/powerversions.py``: folders as the extraction writes them)."""
    from tests.goldversions import write_gold_version
    from tests.powerversions import POWER_LISTS, write_power_version

    root = tmp_path_factory.mktemp("families")
    write_gold_version(root, "2021")
    for which in POWER_LISTS:
        write_power_version(root, which)
    db = tmp_path_factory.mktemp("family-site") / "lists.db"
    yield from _serve(root, db, ROOT / "raw")


@pytest.mark.slow
def test_search_xingzheng_chufa_across_every_departments_power_list(family_site_url, browser,
                                                                    tmp_path):
    """行政处罚 typed in the 权责清单 box finds the penalty items of all three departments'
    lists, faceted by power type and exercising body; an item shows its citations.
    SITE_SCREENSHOTS=DIR saves the result page (docs/img/site-power-search.png)."""
    import os

    from selenium.webdriver.common.by import By

    from tests.powerversions import POWER_LISTS, power_rows

    penalties = [(r["exercising_body"], r["item_name"]) for w in POWER_LISTS
                 for r in power_rows(w)["items"]
                 if any("行政处罚" in str(v or "") for v in r.values())]
    browser.get(family_site_url)
    box = browser.find_element(By.ID, "site-search-power")
    box.send_keys("行政处罚")
    box.submit()
    assert "/lists/power_items" in browser.current_url
    assert f"{len(penalties)} rows where search matches" in browser.page_source
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    shown = sorted((r.find_element(By.CSS_SELECTOR, "td.col-exercising_body").text,
                    r.find_element(By.CSS_SELECTOR, "td.col-item_name").text) for r in rows)
    assert shown == sorted(penalties)
    assert len({body for body, _ in shown}) == 3  # every department's list
    facets = browser.find_element(By.CSS_SELECTOR, ".facet-results").text
    for facet in ("power_type", "exercising_body", "law_types"):
        assert facet in facets
    folder = Path(os.environ.get("SITE_SCREENSHOTS") or tmp_path)
    browser.set_window_size(1200, 1500)
    try:
        browser.save_screenshot(str(folder / "site-power-search.png"))
    finally:
        browser.set_window_size(1200, 900)

    link = next(r for r in rows if "畜牧" in r.text).find_element(By.CSS_SELECTOR,
                                                                 "td.col-item_id a")
    link.click()
    assert re.search(r"/lists/power_items/\d+$", browser.current_url)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Links from other tables" in body and "power_citations" in body
