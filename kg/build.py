"""Build a corpus graph: read articles (streaming), extract each in a process pool, write the union.

The output is byte-identical for the same input whatever ``jobs`` is: article graphs
are merged as sets and serialized in sorted order. Files are written to a temporary
name and renamed, so an interrupted build never leaves a half-written graph.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Dataset, Graph, URIRef

from kg.errors import InputError
from kg.model import Document, Problem
from kg.ontology import bind_prefixes

FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".jsonld": "json-ld",
    ".json": "json-ld", ".trig": "trig", ".nq": "nquads", ".nquads": "nquads",
}
QUAD_FORMATS = {"trig", "nquads"}


@dataclass
class BuildReport:
    """What a build did: articles built, inputs skipped or failed, and the problems found."""

    built: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0
    output: Path | None = None
    results: list = field(default_factory=list)  # ArticleResult, when kept for a store
    store: object | None = None  # kg.store.UpdateReport when a store was updated

    def summary(self) -> str:
        where = f" -> {self.output}" if self.output else ""
        return (f"built {self.built} articles ({self.triples} triples){where}; "
                f"skipped {self.duplicates} duplicates; failed {len(self.problems)}")


def format_for(path: Path) -> str:
    """Return the rdflib format name for an output path, from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown graph format '{path.suffix}' (use one of {', '.join(sorted(FORMATS))})")
    return fmt


def _work(doc: Document):
    """Process one document in a worker: return (iri, hash, source, triples) or a Problem."""
    from kg.pipeline import process_document

    try:
        r = process_document(doc)
    except Exception as e:  # noqa: BLE001 - one bad article must not stop the build
        return Problem(doc.source_path, f"extraction failed: {type(e).__name__}: {e}")
    return (r.article_iri, r.content_hash, r.source_path, tuple(r.graph))


def iter_results(docs: Iterable[Document | Problem], jobs: int = 1) -> Iterator:
    """Yield per-article results (or Problems) in input order, extracting in ``jobs`` processes."""
    def documents():
        for d in docs:
            yield d

    if jobs <= 1:
        for d in documents():
            yield d if isinstance(d, Problem) else _work(d)
        return
    problems_first = []
    # Pool.imap reads its input as fast as it can: bound the documents in flight so that
    # memory grows with the graph, not with the raw text of the archive.
    in_flight = threading.BoundedSemaphore(jobs * 32)

    def only_docs():
        for d in documents():
            if isinstance(d, Problem):
                problems_first.append(d)
            else:
                in_flight.acquire()
                yield d

    ctx = get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(jobs) as pool:
        for r in pool.imap(_work, only_docs(), chunksize=4):
            in_flight.release()
            while problems_first:
                yield problems_first.pop(0)
            yield r
    while problems_first:
        yield problems_first.pop(0)


def build_graph(docs: Iterable[Document | Problem], jobs: int = 1, progress: bool = False,
                keep_results: bool = False) -> tuple[Dataset, BuildReport]:
    """Extract every document and return the corpus as a Dataset with one named graph per article."""
    report = BuildReport()
    per_article: dict[URIRef, set] = {}
    bar = _progress(progress)
    for r in iter_results(docs, jobs):
        if isinstance(r, Problem):
            report.problems.append(r)
            continue
        iri, h, src, triples = r
        if iri in per_article:
            report.duplicates += 1
            per_article[iri].update(triples)
            continue
        per_article[iri] = set(triples)
        report.built += 1
        if keep_results:
            report.results.append((iri, h, src))
        if bar:
            bar.advance()
    if bar:
        bar.close()
    ds = bind_prefixes(Dataset())
    for iri in sorted(per_article):
        g = ds.graph(iri)
        for t in sorted(per_article.pop(iri)):  # pop: never hold an article's triples twice
            g.add(t)
    return ds, report


def union_graph(ds: Dataset) -> Graph:
    """Return the union of a Dataset's named graphs as one Graph, triples added in sorted order."""
    g = bind_prefixes(Graph())
    for t in sorted({t for ctx in ds.graphs() for t in ctx}):
        g.add(t)
    return g


def write_graph(ds: Dataset, output: Path) -> int:
    """Serialize to ``output`` (format from the suffix) via a temporary file; return the triple count."""
    fmt = format_for(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt in QUAD_FORMATS:
        data = _serialize_quads(ds, fmt)
        count = sum(len(c) for c in ds.graphs() if c.identifier != ds.default_graph.identifier)
    else:
        g = union_graph(ds)
        count = len(g)
        if fmt == "nt":
            data = "".join(sorted(line + "\n" for line in g.serialize(format="nt").splitlines() if line.strip()))
        elif fmt == "json-ld":
            data = _sorted_jsonld(g.serialize(format="json-ld", auto_compact=True))
        else:
            data = g.serialize(format=fmt)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=str(output.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count


def _sorted_jsonld(data: str) -> str:
    """Return JSON-LD with its nodes sorted by @id (rdflib writes them in set order)."""
    import json

    def canon(x, key=None):
        if isinstance(x, dict):
            return {k: canon(v, k) for k, v in x.items()}
        if isinstance(x, list):
            items = [canon(v) for v in x]
            return items if key == "@list" else sorted(items, key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
        return x

    doc = canon(json.loads(data))
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        doc["@graph"].sort(key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
    elif isinstance(doc, list):
        doc.sort(key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _serialize_quads(ds: Dataset, fmt: str) -> str:
    named = sorted((c for c in ds.graphs() if c.identifier != ds.default_graph.identifier), key=lambda c: c.identifier)
    if fmt == "nquads":
        lines = ds.serialize(format="nquads").splitlines()
        return "".join(sorted(line + "\n" for line in lines if line.strip()))
    # TriG: each named graph as sorted Turtle, the graphs in IRI order (rdflib writes them in set order)
    prefixes, blocks = set(), []
    for ctx in named:
        g = bind_prefixes(Graph())
        for t in sorted(ctx):
            g.add(t)
        body = []
        for line in g.serialize(format="turtle").splitlines():
            if line.startswith("@prefix"):
                prefixes.add(line)
            elif line.strip():
                body.append("    " + line)
            else:
                body.append("")
        blocks.append(f"<{ctx.identifier}> {{\n" + "\n".join(body).rstrip() + "\n}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def build_files(paths, output: Path, jobs: int = 1, encoding: str | None = None, strict: bool = False,
                progress: bool | None = None, store: Path | None = None) -> BuildReport:
    """Read articles under ``paths``, extract them and write the corpus graph to ``output``.

    With ``store`` (a directory) each article graph also goes into the on-disk SPARQL
    store as its own named graph (kg.store.update_articles), after the file is written.
    """
    from kg.ingest import iter_documents

    format_for(output)  # fail early on an unknown suffix
    docs = iter_documents([Path(p) for p in paths], encoding=encoding)
    if progress is None:
        progress = sys.stderr.isatty()
    ds, report = build_graph(docs, jobs=jobs, progress=progress, keep_results=store is not None)
    if strict and report.problems:
        raise InputError("; ".join(str(p) for p in report.problems) + " (--strict: nothing written)")
    report.triples = write_graph(ds, output)
    report.output = output
    if store is not None:
        from kg.store import update_store

        report.store = update_store(store, ((iri, h, src, ds.graph(iri)) for iri, h, src in report.results))
    return report


class _Bar:
    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.p = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          transient=True)
        self.task = self.p.add_task("build", total=None)
        self.p.start()

    def advance(self):
        self.p.advance(self.task)

    def close(self):
        self.p.stop()


def _progress(enabled: bool):
    return _Bar() if enabled else None
