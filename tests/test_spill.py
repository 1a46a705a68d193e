"""kg.spill: a build's statements in sorted runs on disk, merged back sorted and without repeats.

The build's memory must not grow with its input, and what it writes must not change:
with runs of a few statements (many run files, merged level by level) the output file
and the store hold exactly what an in-memory build gives.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import spill
from kg.build import build_files
from kg.graphio import remove_stale_temps, statement_key
from tests import test_dask

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
G1, G2 = ox.NamedNode("https://w3id.org/kg-news/id/article/a1"), ox.NamedNode("https://w3id.org/kg-news/id/article/a2")
P = ox.NamedNode("https://schema.org/name")
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def statements(n: int) -> list[ox.Quad]:
    """Quads of two articles with every kind of term a graph has: IRIs, tagged, typed and plain literals,
    literals with newlines, quotes and backslashes, blank nodes; the second article repeats some of the first's."""
    out = []
    for i in range(n):
        s = ox.NamedNode(f"https://w3id.org/kg-news/id/person/张{i % 7}")
        objects = [ox.Literal(f"名{i}", language="zh"), ox.Literal(str(i), datatype=XSD_DECIMAL),
                   ox.Literal(f'第{i}行\n"引号"\\'), ox.BlankNode(f"a1b{i % 5}"), ox.NamedNode(f"https://x.org/{i}")]
        for o in objects:
            out.append(ox.Quad(s, P, o, G1))
            if i % 3 == 0:
                out.append(ox.Quad(s, P, o, G2))
    return out


def test_runs_merge_to_the_sorted_distinct_statements(tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "FAN_IN", 3)  # merges of merges
    quads = statements(60)
    # each statement added twice, in a shuffled but fixed order
    order = quads + quads
    random.Random(7).shuffle(order)
    with spill.SortedRuns(tmp_path / "g.ttl", quads=True, triples=True, links=False, chunk=7) as runs:
        for q in order:
            runs.add([q])
        assert runs._views["quads"]._written > 20, "the runs did not go to disk"
        assert list(tmp_path.glob(".g.ttl.*.tmp/quads-*.nq"))
        levels = {r.level for r in runs._views["quads"].runs}
        assert max(levels) >= 2, levels  # compaction ran more than once
        assert all(sum(r.level == lv for r in runs._views["quads"].runs) < 3 for lv in levels)
        got_quads = list(runs.quads())
        got_triples = list(runs.triples())
        articles = list(runs.articles())
    assert got_quads == sorted(set(quads), key=statement_key)
    assert got_triples == sorted({q.triple for q in quads}, key=statement_key)
    by_article: dict = {}
    for name, triples in articles:  # statements added one by one: an article spans runs
        by_article.setdefault(name, set()).update(triples)
    assert by_article == {g.value: {q.triple for q in quads if q.graph_name == g} for g in (G1, G2)}
    assert not list(tmp_path.iterdir()), "the run folder was left behind"


def test_an_article_added_whole_stays_in_one_run(tmp_path):
    graphs = [ox.NamedNode(f"https://w3id.org/kg-news/id/article/a{i:02d}") for i in range(12)]
    article = {g: [ox.Quad(q.subject, q.predicate, q.object, g) for q in statements(3)] for g in graphs}
    with spill.SortedRuns(tmp_path / "g.nq", links=False, chunk=20) as runs:
        for g in reversed(graphs):
            runs.add(article[g])
        assert len(runs._views["quads"].runs) > 3
        got = list(runs.articles())
    assert sorted(name for name, _ in got) == [g.value for g in graphs]  # each once
    assert all(sorted(t, key=statement_key) == t and set(t) == {q.triple for q in article[ox.NamedNode(name)]}
               for name, t in got)


def test_a_small_corpus_stays_in_memory(tmp_path):
    with spill.SortedRuns(tmp_path / "g.nq", chunk=1000, links=False) as runs:
        runs.add(statements(5))
        assert list(runs.quads()) == sorted(set(statements(5)), key=statement_key)
        assert not list(tmp_path.iterdir())


def test_nothing_added_reads_as_nothing(tmp_path):
    with spill.SortedRuns(tmp_path / "g.ttl", triples=True) as runs:
        assert list(runs.quads()) == [] and list(runs.triples()) == [] and list(runs.articles()) == []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for name, text in test_dask.ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "d_copy.txt").write_text(test_dask.ARTICLES["d.txt"], encoding="utf-8")  # a duplicate
    (folder / "example.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def store_quads(path: Path) -> set:
    store = ox.Store(str(path))
    try:
        return set(store)
    finally:
        del store


@pytest.mark.parametrize("suffix", [".ttl", ".nq", ".jsonld"])
def test_spilled_build_writes_the_same_bytes_and_store(corpus, tmp_path, monkeypatch, suffix):
    ref_out, ref_store = tmp_path / f"ref{suffix}", tmp_path / "ref-store"
    ref = build_files([corpus], ref_out, progress=False, store=ref_store)
    spills = []
    real_spill = spill._View.spill
    monkeypatch.setattr(spill._View, "spill", lambda self: (spills.append(self.name), real_spill(self)))
    monkeypatch.setattr(spill, "CHUNK", 40)
    monkeypatch.setattr(spill, "FAN_IN", 4)
    out, store = tmp_path / f"g{suffix}", tmp_path / "store"
    report = build_files([corpus], out, progress=False, store=store)
    assert {"quads", "triples" if suffix != ".nq" else "quads"} <= set(spills)
    assert out.read_bytes() == ref_out.read_bytes()
    assert (report.built, report.duplicates, report.triples) == (ref.built, ref.duplicates, ref.triples) == (5, 1, ref.triples)
    assert report.store.added == ref.store.added
    assert store_quads(store) == store_quads(ref_store)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no run folder left


def test_strict_failure_leaves_no_run_folder(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "CHUNK", 40)
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "a.txt").write_text(test_dask.ARTICLES["a.txt"], encoding="utf-8")
    (bad / "z.txt").write_bytes(b"\x00\xff\x00binary")
    out = tmp_path / "out" / "g.ttl"
    with pytest.raises(Exception, match="z.txt"):
        build_files([bad], out, progress=False, strict=True)
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_a_killed_builds_run_folder_is_removed_by_the_next(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".g.ttl.{dead.stdout.strip()}.abc.tmp"
    stale.mkdir()
    (stale / "quads-000000.nq").write_text("", encoding="utf-8")
    live = tmp_path / f".g.ttl.{os.getpid()}.abc.tmp"
    live.mkdir()
    assert remove_stale_temps(tmp_path / "g.ttl") == [stale]
    assert not stale.exists() and live.exists()


def test_links_found_from_the_on_disk_link_statements_are_the_same(tmp_path, monkeypatch):
    from tests.test_link import write

    paths = write(tmp_path / "in", ["union_site", "county_paper", "village_site", "other_donation"])
    ref = tmp_path / "ref.trig"
    build_files(paths, ref, progress=False)
    assert b"kgo:reports" in ref.read_bytes()  # the articles do link
    stores = []
    real = spill.SortedRuns._spill_links
    monkeypatch.setattr(spill.SortedRuns, "_spill_links", lambda self: (real(self), stores.append(self._link_store)))
    monkeypatch.setattr(spill, "CHUNK", 30)
    out = tmp_path / "g.trig"
    build_files(paths, out, progress=False)
    assert stores, "the link statements never went to disk"
    assert out.read_bytes() == ref.read_bytes()
