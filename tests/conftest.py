"""Shared fixtures: the bundled example article, built once per session, and Chromium for the browser tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import browser  # noqa: F401 (the Chromium fixture of the browser tests)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
EXAMPLE_GOLD = ROOT / "tests" / "fixtures" / "daxing_songwennuan.gold.json"
GOLDEN = ROOT / "tests" / "fixtures" / "daxing_golden.ttl"  # the example's expected graph (scripts/regen_golden.py)


def example_document():
    """Return the bundled example as a Document, its source path relative to the project root."""
    from kg.model import Document

    return Document("examples/daxing_songwennuan.txt", "daxing_songwennuan", EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_doc():
    return example_document()


@pytest.fixture(scope="session")
def example_dataset(example_doc):
    """The example built through kg.build.build_graph (a Dataset with one named graph)."""
    from kg.build import build_graph

    ds, report = build_graph([example_doc])
    assert report.built == 1 and not report.problems, report.summary()
    return ds


@pytest.fixture(scope="session")
def example_ttl(example_dataset, tmp_path_factory):
    """The example written as Turtle, the way `kg build` writes it."""
    from kg.build import write_graph

    out = tmp_path_factory.mktemp("example") / "graph.ttl"
    write_graph(example_dataset, out)
    return out
