"""kg.store_writer: a multi-job build writes the store in a process of its own, as the articles come.

The store must hold what a 1-job build (store updated after the output) gives, the writer's
failures must reach the build as errors, and a build that fails or gives no article must not
leave a half batch behind.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import store_writer
from kg.build import build_files
from kg.errors import StoreError
from kg.store import open_store, stored_articles
from tests import test_dask

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
ARTICLE = "https://w3id.org/kg-news/id/article/00000000000000a1"
NAME = ox.NamedNode("https://schema.org/name")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for name, text in test_dask.ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "d_copy.txt").write_text(test_dask.ARTICLES["d.txt"], encoding="utf-8")  # one text in two files
    (folder / "example.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def store_quads(path: Path) -> set:
    store = open_store(path, read_only=True)
    try:
        return set(store)
    finally:
        del store


def triples(n: int) -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(f"https://w3id.org/kg-news/id/person/张{i}"), NAME, ox.Literal(f"张{i}", language="zh"))
            for i in range(n)]


def test_two_jobs_write_the_store_a_one_job_build_writes(corpus, tmp_path, monkeypatch):
    started = []
    real = store_writer.StoreWriter.__init__
    monkeypatch.setattr(store_writer.StoreWriter, "__init__", lambda self, path: (started.append(path), real(self, path))[1])
    one = build_files([corpus], tmp_path / "one.ttl", jobs=1, progress=False, store=tmp_path / "s1")
    assert started == []  # one job: the store is updated after the output, in this process
    two = build_files([corpus], tmp_path / "two.ttl", jobs=2, progress=False, store=tmp_path / "s2")
    assert started == [tmp_path / "s2"]
    assert (tmp_path / "two.ttl").read_bytes() == (tmp_path / "one.ttl").read_bytes()
    assert store_quads(tmp_path / "s2") == store_quads(tmp_path / "s1")
    assert two.store.added == one.store.added and len(two.store.added) == 5
    assert (two.built, two.duplicates) == (one.built, one.duplicates) == (5, 1)
    # the copy's source path is merged into the article's record, as with one job
    def records(path):
        return {iri: sorted(a.source_paths) for iri, a in stored_articles(open_store(path, read_only=True)).items()}

    assert records(tmp_path / "s2") == records(tmp_path / "s1")
    assert sum(len(paths) == 2 for paths in records(tmp_path / "s2").values()) == 1


def test_a_second_build_with_two_jobs_finds_the_articles_unchanged(corpus, tmp_path):
    build_files([corpus], tmp_path / "g.ttl", jobs=2, progress=False, store=tmp_path / "s")
    again = build_files([corpus], tmp_path / "g.ttl", jobs=2, progress=False, store=tmp_path / "s")
    assert again.store.added == [] and len(again.store.unchanged) == 5


def test_the_writers_error_reaches_the_build(tmp_path):
    with store_writer.StoreWriter(tmp_path / "s") as writer:
        writer.put(ARTICLE, "hash-1", "a.txt", triples(3))
        writer.put(ARTICLE, "hash-2", "b.txt", triples(3))  # the same article with another content hash
        with pytest.raises(StoreError, match="given twice with different content hashes"):
            writer.finish()


def test_a_store_that_cannot_be_opened_is_an_error_of_the_build(tmp_path):
    blocker = tmp_path / "s"
    blocker.write_text("a file, not a store", encoding="utf-8")
    with store_writer.StoreWriter(blocker) as writer:
        writer.put(ARTICLE, "hash-1", "a.txt", triples(3))
        with pytest.raises(StoreError, match="not a store"):
            writer.finish()


def test_an_aborted_build_leaves_no_half_batch(tmp_path):
    open_store(tmp_path / "s")  # an empty store
    with store_writer.StoreWriter(tmp_path / "s") as writer:
        writer.put(ARTICLE, "hash-1", "a.txt", triples(5))
        # leaving the block without finish(): the build failed
    assert store_quads(tmp_path / "s") == set()


def test_no_article_leaves_the_store_as_it_was(tmp_path):
    with store_writer.StoreWriter(tmp_path / "s") as writer:
        assert writer.finish() is None
    assert not (tmp_path / "s").exists()


def test_a_writer_far_behind_holds_the_build_back(tmp_path, monkeypatch):
    # more articles than the queue holds go through: put waits, then the writer catches up
    many = 3 * store_writer.QUEUE_ARTICLES
    with store_writer.StoreWriter(tmp_path / "s") as writer:
        for i in range(many):
            writer.put(f"https://w3id.org/kg-news/id/article/{i:016x}", f"h{i}", f"{i}.txt", triples(2))
        report = writer.finish()
    assert len(report.added) == many
    graphs = {q.graph_name for q in store_quads(tmp_path / "s") if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert len(graphs) == many
