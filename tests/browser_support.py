"""Chromium for the browser tests: where it is, how it starts, and what happens when it is missing.

Each browser test module calls ``sync_api = require_browser()`` at import: without Chromium or
Playwright the module is skipped, or fails where CI sets KG_REQUIRE_BROWSER=1 after installing
them (a broken install must not pass).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
INSTALL = "apt-get install chromium fonts-noto-cjk (and pip install -e '.[test]' for playwright)"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _missing(reason: str) -> None:
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_browser():
    """Return playwright.sync_api, after checking that Chromium is installed."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium not found at {CHROMIUM}: {INSTALL}")
    try:
        from playwright import sync_api
    except ImportError:
        _missing(f"playwright is missing: {INSTALL}")
    return sync_api


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module, each context with a fresh temporary profile."""
    with require_browser().sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class RecordingTab:
    """A browser tab that records console errors (CSP violations among them), dialogs and requests, and refuses
    every request ``allowed(url)`` rejects (recorded in ``refused``)."""

    def __init__(self, browser, allowed, width: int = 1400):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.route("**/*", lambda route: self._route(route, allowed))

    def _route(self, route, allowed) -> None:
        if allowed(route.request.url):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()
