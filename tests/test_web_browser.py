"""kg serve's browse pages in headless Chromium: search, entity page, evidence, article page, hostile text.

A real ``kg serve`` child serves the bundled example plus an article whose text carries markup
and scripts (invented names). Needs Debian's Chromium and the ``playwright`` package, like
tests/test_viz_browser.py (whose KG_REQUIRE_BROWSER switch turns a missing browser into a failure).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import RecordingTab, require_browser

from kg.build import build_graph, write_graph
from kg.model import Document

ROOT = Path(__file__).resolve().parents[1]
sync_api = require_browser()

HOSTILE = Document(
    "hostile.txt", "hostile",
    "2026年1月5日，青禾县总工会主席林晓川<script>window.kgPwned=1;alert('kg')</script>走访慰问困难职工20名，送去慰问金6000元。\n"
    "<img src=x onerror=\"window.kgPwned=2\">青禾县总工会副主席方远山看望了老党员。\n",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_doc):
    from kg.serve import start_server

    ds, report = build_graph([example_doc, HOSTILE])
    assert report.built == 2, report.summary()
    graph = tmp_path_factory.mktemp("web") / "graph.trig"
    write_graph(ds, graph)
    with start_server(graph_file=graph) as s:
        yield s


class Tab(RecordingTab):
    """A page that records console errors, dialogs and every request, and refuses requests off the server."""

    def __init__(self, browser, origin: str):
        super().__init__(browser, lambda url: url.startswith(origin))


@pytest.fixture
def tab(browser, server):
    t = Tab(browser, server.url)
    yield t
    t.close()


def test_search_entity_evidence_and_article(tab, server):
    page = tab.page
    page.goto(server.url)
    page.fill("#kg-q", "郭金江")
    page.press("#kg-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("#kg-total").inner_text().startswith("1 ")
    page.click(".kg-results a:text-is('郭金江')")
    page.wait_for_url(re.compile(r"/e/person/"))
    assert page.locator("#kg-label").inner_text() == "郭金江"
    # the posts and the visits, the evidence highlighted
    assert page.locator(".kg-post", has_text="大兴区总工会").filter(has_text="主席").count() >= 1
    marks = page.locator("#events mark.kg-self")
    assert marks.count() >= 2 and marks.first.is_visible() and marks.first.inner_text() == "郭金江"
    background = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background == "rgb(255, 213, 74)"  # the stylesheet from /static applies
    # the ego network is drawn by /static/ego.js with vis-network from /static/vis
    page.wait_for_selector("#kg-ego[data-ready='1']", timeout=30_000)
    assert page.locator("#kg-ego canvas").count() == 1
    assert page.evaluate("Object.keys(window.kgEgo.body.nodes).length") > 5
    # open the first visit's place in the article: the page scrolls to that sentence
    link = page.locator("#events .kg-fact").first.locator("a", has_text="在原文中查看")
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]{16}#"))
    target = page.locator(f"#{anchor} mark").first
    assert target.is_visible()
    assert target.evaluate("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    assert target.evaluate("m => getComputedStyle(m).backgroundColor") == "rgb(255, 183, 74)"  # :target + mark
    assert "郭金江" in target.inner_text()
    # clicking a fact in the list scrolls to its sentence
    page.click("#facts li:last-child a[href^='#']")
    last = page.locator("#facts li:last-child a[href^='#']").get_attribute("href")
    assert page.evaluate("location.hash") == last
    assert page.locator(f"{last} mark").first.evaluate("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    assert not tab.errors, tab.errors
    assert not tab.dialogs
    assert all(u.startswith(server.url) for u in tab.requests), tab.requests


def test_article_with_markup_shows_it_as_text_and_runs_nothing(tab, server):
    page = tab.page
    page.goto(server.url + "search?q=林晓川")
    page.click(".kg-results a:text-is('林晓川')")
    page.wait_for_url(re.compile(r"/e/person/"))
    evidence = page.locator("#events .kg-evidence").first.inner_text()
    assert "<script>window.kgPwned=1;alert('kg')</script>" in evidence
    page.locator("#events a", has_text="在原文中查看").first.click()
    page.wait_for_url(re.compile(r"/article/"))
    text = page.locator("#kg-text").inner_text()
    assert "林晓川<script>window.kgPwned=1;alert('kg')</script>走访慰问" in text
    assert '<img src=x onerror="window.kgPwned=2">' in text
    assert page.locator("#kg-text script, #kg-text img, main img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.kgPwned === undefined")
    assert not tab.dialogs, tab.dialogs
    assert not [u for u in tab.requests if u.endswith("/x")], tab.requests


def test_markup_in_the_search_box_comes_back_as_text(tab, server):
    page = tab.page
    page.goto(server.url)
    q = "<img src=x onerror=\"window.kgPwned=3\">"
    page.fill("#kg-q", q)
    page.press("#kg-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("#kg-q").input_value() == q
    assert q in page.locator("#kg-total").inner_text()
    assert page.locator("main img").count() == 0 and page.evaluate("window.kgPwned === undefined")
    assert not tab.dialogs


def test_unknown_entity_page(tab, server):
    response = tab.page.goto(server.url + "e/person/北京市/无此人")
    assert response.status == 404
    assert "No such entity" in tab.page.locator("h1").inner_text()
