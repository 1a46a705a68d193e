#!/usr/bin/env python3
"""Rewrite the golden graph of the bundled example (tests/fixtures/daxing_golden.ttl).

Run it only when a change to the extractor is meant to change the example's graph, and review
the diff of the fixture in the same commit:

    .venv/bin/python scripts/regen_golden.py && git diff --stat tests/fixtures/daxing_golden.ttl
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import GOLDEN, example_document  # noqa: E402

from kg.build import build_graph, write_graph  # noqa: E402


def main() -> int:
    ds, report = build_graph([example_document()])
    if report.problems:
        print(report.summary(), file=sys.stderr)
        return 1
    n = write_graph(ds, GOLDEN)
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({n} triples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
