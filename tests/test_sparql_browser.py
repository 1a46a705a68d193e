"""The /sparql and /overview pages of a `kg serve` child in headless Chromium: run a named query from the
SPARQL page, follow a chart's drill-down, and see that markup typed into the query box runs nothing.

Needs Debian's Chromium and a CJK font (`apt-get install chromium fonts-noto-cjk`) and the
`playwright` Python package (the `test` extra); Playwright's own browser download is never used.
With KG_REQUIRE_BROWSER=1 (CI) a missing browser fails instead of skipping. KG_SCREENSHOTS=DIR
writes the README's screenshots (docs/img/) there.
"""
from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest
from browser_support import RecordingTab, require_browser

from kg.model import Document
from kg.pipeline import process_document
from kg.query import run_query
from kg.serve import start_server
from kg.store import open_store, update_articles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
sync_api = require_browser()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "store"
    store = open_store(path)
    doc = Document("examples/daxing_songwennuan.txt", "daxing_songwennuan", EXAMPLE.read_text(encoding="utf-8"))
    update_articles(store, [process_document(doc)])
    del store
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    with start_server(store_dir) as s:
        yield s


class Page(RecordingTab):
    """A browser tab on the server, recording console errors (CSP violations among them), dialogs and requests."""

    def __init__(self, browser, server):
        self.origin = f"http://127.0.0.1:{server.port}"
        super().__init__(browser, lambda url: url.startswith(self.origin + "/"), width=1300)

    @property
    def foreign(self) -> list[str]:
        return self.refused

    def goto(self, path: str):
        return self.page.goto(self.origin + path)

    def shoot(self, name: str, tmp_path: Path) -> None:
        folder = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / name
        self.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000



def test_run_a_named_query_from_the_sparql_page(browser, server, store_dir, tmp_path):
    p = Page(browser, server)
    try:
        assert p.goto("/sparql").status == 200
        assert p.page.locator("table.results").count() == 0
        p.page.click('.picker a:text-is("official_activity")')
        p.page.wait_for_url("**/sparql?name=official_activity")
        p.page.fill('input[name="param.person"]', "郭金江")
        p.page.click('button:text("Run official_activity")')
        p.page.wait_for_selector("table.results")
        rows = p.page.locator("table.results tbody tr")
        expected = run_query("official_activity", {"person": "郭金江"},
                             store=open_store(store_dir, read_only=True))
        assert rows.count() == len(expected.rows) == 3
        evidence = [row[expected.columns.index("evidence")].value for row in expected.rows]
        assert p.page.locator("table.results tbody").inner_text().count("郭金江") >= 3
        for sentence in evidence:
            assert sentence in p.page.locator("table.results tbody").inner_text()
        link = p.page.locator("table.results tbody a").first
        href = link.get_attribute("href")
        assert href.startswith("/entity?iri=")
        assert urllib.parse.parse_qs(href.split("?", 1)[1])["iri"][0].startswith("https://w3id.org/kg-news/id/")
        # the CSV link downloads what the table shows
        with p.page.expect_download() as info:
            p.page.click('a:text-is("CSV")')
        download = info.value
        assert download.suggested_filename == "official_activity.csv"
        assert len(Path(download.path()).read_text(encoding="utf-8").strip().splitlines()) == 4
        p.shoot("sparql.png", tmp_path)
        assert p.errors == [] and p.dialogs == [] and p.foreign == []
    finally:
        p.close()


def test_markup_typed_into_the_query_box_runs_nothing(browser, server):
    p = Page(browser, server)
    try:
        p.goto("/sparql")
        hostile = 'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script><img src=x onerror=alert(2)>" }'
        p.page.fill('textarea[name="query"]', hostile)
        p.page.click('button:text("Run query")')
        p.page.wait_for_selector("p.count")
        assert p.page.input_value('textarea[name="query"]') == hostile  # back in the box as text
        assert p.page.locator("main script, main img").count() == 0
        p.page.fill('textarea[name="query"]', "SELEC <b>bold</b>")
        p.page.click('button:text("Run query")')
        error = p.page.locator("p.error")
        assert "SPARQL syntax error" in error.inner_text()
        assert p.page.locator("main b").count() == 0
        assert p.dialogs == [] and p.foreign == []
    finally:
        p.close()


def test_overview_charts_link_to_entities_and_drill_down(browser, server, tmp_path):
    p = Page(browser, server)
    try:
        assert p.goto("/overview").status == 200
        bars = p.page.locator("#chart-organizer svg rect")
        assert bars.count() >= 1
        assert p.page.locator("#chart-organizer svg text.label title").first.text_content() == "大兴区总工会"
        box = p.page.locator("#chart-organizer svg").bounding_box()
        assert box["width"] > 500 and box["height"] > 20  # drawn, with its style sheet
        p.shoot("overview.png", tmp_path)
        p.page.locator("#chart-category svg a rect").first.click()
        p.page.wait_for_url("**/overview?category=*")
        assert p.page.locator("h1").inner_text().startswith("Groups of ")
        assert p.page.locator("#chart-group_events svg rect").count() >= 1
        assert p.errors == [] and p.dialogs == [] and p.foreign == []
    finally:
        p.close()
