#!/usr/bin/env python3
"""Take the README's screenshots of kg serve's pages (search, entity, article) on the bundled example.

Serves examples/daxing_songwennuan.txt with ``kg serve`` and drives Debian's Chromium with Playwright:

    .venv/bin/python scripts/screenshots_web.py        # writes docs/web-search.png, web-entity.png, web-article.png
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    from playwright import sync_api

    from kg.build import build_graph, write_graph
    from kg.model import Document
    from kg.serve import start_server

    doc = Document("examples/daxing_songwennuan.txt", "daxing_songwennuan",
                   (ROOT / "examples" / "daxing_songwennuan.txt").read_text(encoding="utf-8"))
    ds, _ = build_graph([doc])
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "graph.trig"
        write_graph(ds, graph)
        with start_server(graph_file=graph) as server, sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(server.url + "search?q=总工会")
            page.screenshot(path=str(out / "web-search.png"))
            page.click(".kg-results a:text-is('大兴区总工会')")
            page.goto(server.url + "search?q=郭金江")
            page.click(".kg-results a:text-is('郭金江')")
            page.wait_for_selector("#kg-ego[data-ready='1']", timeout=30_000)
            page.locator("#events").scroll_into_view_if_needed()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(out / "web-entity.png"))
            page.locator("#events a", has_text="在原文中查看").first.click()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "web-article.png"))
            browser.close()
    for name in ("web-search.png", "web-entity.png", "web-article.png"):
        print(f"wrote docs/{name} ({(out / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
