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
