"""Build a corpus graph: read articles (streaming), extract each in a process pool, write the union.

The output is byte-identical for the same input whatever ``jobs`` is: article graphs
are merged as sets and serialized in sorted order. Each article's statements go into
sorted runs (kg.spill) as it is extracted, so memory holds a bounded buffer, not the
corpus; the output and the store update are streamed from the runs (with more than one
job the store is written by its own process as the articles come, kg.store_writer). Files
are written to a temporary name and renamed, so an interrupted build never leaves a
half-written graph.
"""
from __future__ import annotations

import contextlib
import heapq
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg.aliases import AliasTable, load_aliases
from kg.errors import InputError
from kg.graphio import check_output, format_for, statement_key, to_ox_term, write_sorted
from kg.model import Document, Problem
from kg.ontology import LINKS_GRAPH, bind_prefixes
from kg.spill import SortedRuns, unique


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

    kept: Path | None = None  # the output left as it was because nothing was built

    def summary(self) -> str:
        where = f" -> {self.output}" if self.output else ""
        kept = ""
        if self.kept is not None:
            kept = f"; nothing built, so {self.kept} was not written" + (" (the previous file is kept)" if self.kept.exists() else "")
        return (f"built {self.built} articles ({self.triples} triples){where}; "
                f"skipped {self.duplicates} duplicates; failed {len(self.problems)}{kept}")


def _work(doc: Document, aliases: AliasTable | None = None):
    """Process one document in a worker: return (iri, hash, source, triples) or a Problem."""
    from kg.pipeline import process_document

    try:
        r = process_document(doc, aliases)
    except Exception as e:  # noqa: BLE001 - one bad article must not stop the build
        return Problem(doc.source_path, f"extraction failed: {type(e).__name__}: {e}")
    return (r.article_iri, r.content_hash, r.source_path, tuple(r.graph))


@contextlib.contextmanager
def shared_extractor(ctx):
    """Load jieba and the lexicons here, before a pool forks its workers, so they share them.

    Each worker would otherwise load its own copy (about a second and 100 MB each; a
    2-job build's memory at 10 MB went from 723 to 556 MB); forked after the load, the
    workers share those pages until they write to them, and ``gc.freeze`` keeps the
    collector from touching (and so copying) them until the pool is done. A spawned
    pool (not Linux) starts from nothing: nothing to share.
    """
    if ctx.get_start_method() != "fork":
        yield
        return
    import gc

    from kg.pipeline import process_document

    process_document(Document("<warm-up>", "warm-up", "北京市大兴区总工会主席走访慰问困难职工，送去慰问金2000元。"))
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def iter_results(docs: Iterable[Document | Problem], jobs: int = 1, aliases: AliasTable | None = None) -> Iterator:
    """Yield per-article results (or Problems) in input order, extracting in ``jobs`` processes."""
    def documents():
        yield from docs

    if jobs <= 1:
        for d in documents():
            yield d if isinstance(d, Problem) else _work(d, aliases)
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
    with shared_extractor(ctx), ctx.Pool(jobs) as pool:
        for r in pool.imap(partial(_work, aliases=aliases), only_docs(), chunksize=4):
            in_flight.release()
            while problems_first:
                yield problems_first.pop(0)
            yield r
    while problems_first:
        yield problems_first.pop(0)


def iter_articles(docs: Iterable[Document | Problem], report: BuildReport, jobs: int = 1, progress: bool = False,
                  keep_results: bool = False, engine: str = "local", scheduler: str | None = None,
                  aliases: AliasTable | None = None) -> Iterator[tuple[URIRef, tuple]]:
    """Extract every document; yield ``(article IRI, triples)`` (rdflib terms) as each is done.

    An article whose text was read before (a duplicate) is yielded again, its
    triples to be merged with the first; ``report`` counts articles built,
    duplicates and problems as they come. ``engine`` is "local" (``jobs``
    processes of a pool) or "dask" (kg.dask_engine: a local Dask cluster of
    ``jobs`` workers, or the one at ``scheduler``); the result is the same.
    ``aliases`` is the user's alias table (kg.aliases), passed to every extraction.
    """
    _check_engine(engine, scheduler)
    seen: set[URIRef] = set()
    bar = _progress(progress)
    if engine == "dask":
        from kg.dask_engine import iter_results_dask

        results = iter_results_dask(docs, jobs, scheduler, aliases=aliases)
    else:
        results = iter_results(docs, jobs, aliases)
    try:
        for r in results:
            if isinstance(r, Problem):
                report.problems.append(r)
                continue
            iri, h, src, triples = r
            if iri in seen:
                report.duplicates += 1
            else:
                seen.add(iri)
                _count_built(report, (str(iri), h, src), keep_results, bar)
            yield iri, triples
    finally:
        if bar:
            bar.close()


def collect_results(docs: Iterable[Document | Problem], jobs: int = 1, progress: bool = False,
                    keep_results: bool = False, engine: str = "local", scheduler: str | None = None,
                    aliases: AliasTable | None = None) -> tuple[dict[URIRef, set], BuildReport]:
    """``iter_articles`` gathered: each article's triples by article IRI (duplicates merged), and the report."""
    report = BuildReport()
    per_article: dict[URIRef, set] = {}
    for iri, triples in iter_articles(docs, report, jobs, progress, keep_results, engine, scheduler, aliases):
        per_article.setdefault(iri, set()).update(triples)
    return per_article, report


def _check_engine(engine: str, scheduler: str | None) -> None:
    if engine not in ("local", "dask"):
        raise InputError(f"unknown engine {engine!r}; use local or dask")
    if engine == "local" and scheduler:
        raise InputError("--scheduler needs --engine dask")


def _count_built(report: BuildReport, row: tuple, keep_results: bool, bar) -> None:
    """One more article built (not a duplicate): count it, keep its row if asked, advance the bar."""
    report.built += 1
    if keep_results:
        report.results.append(row)
    if bar:
        bar.advance()


def collect_parts(docs: Iterable[Document | Problem], parts_dir: Path, jobs: int = 1, progress: bool = False,
                  keep_results: bool = False, engine: str = "local", scheduler: str | None = None,
                  aliases: AliasTable | None = None) -> tuple[list[Path], BuildReport]:
    """``collect_results`` with ``--parts``: the workers write one part file per partition (kg.parts).

    Returns the part files written, in input order, and the report (built, duplicates,
    problems counted as ``collect_results`` counts them).
    """
    from kg.parts import iter_parts_local, part_path, prepare_parts_dir

    _check_engine(engine, scheduler)
    parts_dir = prepare_parts_dir(parts_dir)
    if engine == "dask":
        from kg.dask_engine import iter_parts_dask

        summaries = iter_parts_dask(docs, str(parts_dir), jobs, scheduler, aliases=aliases)
    else:
        summaries = iter_parts_local(docs, parts_dir, jobs, aliases)
    report = BuildReport()
    seen: set[str] = set()
    paths: list[Path] = []
    bar = _progress(progress)
    for index, summary in summaries:
        paths.append(part_path(parts_dir, index))
        for r in summary:
            if isinstance(r, Problem):
                report.problems.append(r)
                continue
            iri, h, src = r
            if iri in seen:
                report.duplicates += 1
                continue
            seen.add(iri)
            _count_built(report, (iri, h, src), keep_results, bar)
    if bar:
        bar.close()
    return paths, report


def build_graph(docs: Iterable[Document | Problem], jobs: int = 1, progress: bool = False,
                keep_results: bool = False, engine: str = "local",
                scheduler: str | None = None, aliases: AliasTable | None = None) -> tuple[Dataset, BuildReport]:
    """Extract every document and return the corpus as a Dataset with one named graph per article.

    The arguments are those of ``collect_results``.
    """
    per_article, report = collect_results(docs, jobs, progress, keep_results, engine, scheduler, aliases)
    ds = bind_prefixes(Dataset())
    for iri in sorted(per_article):
        g = ds.graph(iri)
        for t in sorted(per_article.pop(iri)):  # pop: never hold an article's triples twice
            g.add(t)
    return ds, report


def article_quads(iri, triples: Iterable) -> list[ox.Quad]:
    """One article's triples (rdflib terms) as Oxigraph quads in its named graph; blank nodes scoped to it."""
    name = ox.NamedNode(str(iri))
    scope = str(iri).rsplit("/", 1)[-1]
    cache: dict = {}
    return [ox.Quad(*(cache[x] if x in cache else cache.setdefault(x, to_ox_term(x, scope)) for x in t), name)
            for t in triples]


def to_article_quads(per_article: dict) -> dict[str, list[ox.Quad]]:
    """Each article's triples (rdflib terms, as ``collect_results`` gives them) as Oxigraph quads in its graph.

    The input dict is emptied as it goes, so an article's triples are never held twice.
    """
    return {str(iri): article_quads(iri, per_article.pop(iri)) for iri in sorted(per_article)}


def union_graph(ds: Dataset) -> Graph:
    """Return the union of a Dataset's named graphs as one Graph."""
    g = bind_prefixes(Graph())
    for ctx in ds.graphs():
        for t in ctx:
            g.add(t)
    return g


def write_graph(ds: Dataset, output: Path, link: bool = True) -> int:
    """Write the corpus to ``output`` (format from the suffix, kg.graphio) atomically; return the statement count.

    Turtle, N-Triples and JSON-LD hold the union of the article graphs, TriG and
    N-Quads one named graph per article; the count is of the article graphs'
    triples (each article's once). With ``link`` the corpus links (kg.link: events
    of several articles that report one activity) are written too, in the named
    graph ``kgr:links`` of TriG and N-Quads.
    """
    per_article = {ctx.identifier: set(ctx) for ctx in ds.graphs() if ctx.identifier != ds.default_graph.identifier}
    return write_quads(to_article_quads(per_article), output, link)


def write_quads(articles: dict[str, list[ox.Quad]], output: Path, link: bool = True) -> int:
    """``write_graph`` for article graphs given as Oxigraph quads by article IRI (``to_article_quads``)."""
    fmt = format_for(output)
    with SortedRuns(output, quads=fmt.quads, triples=not fmt.quads, links=link) as runs:
        for quads in articles.values():
            runs.add(quads)
        return write_runs(runs, output, link)


def write_runs(runs: SortedRuns, output: Path, link: bool = True) -> int:
    """Write the corpus held in ``runs`` (kg.spill) to ``output``, as ``write_graph`` does; return the count.

    ``runs`` keeps the quads for TriG and N-Quads, the triples otherwise, and the
    link statements when ``link``; the output is streamed from them.
    """
    fmt = format_for(output)
    links = corpus_links(runs.link_statements()) if link else []
    if fmt.quads:
        links_graph = ox.NamedNode(str(LINKS_GRAPH))
        link_quads = sorted({ox.Quad(t.subject, t.predicate, t.object, links_graph) for t in links}, key=statement_key)
        return write_sorted(output, heapq.merge(runs.quads(), link_quads, key=statement_key))
    link_triples = sorted(set(links), key=statement_key)
    return write_sorted(output, unique(heapq.merge(runs.triples(), link_triples, key=statement_key)))


def corpus_links(statements: ox.Store) -> list[ox.Triple]:
    """The link triples (kg.link) of a corpus, from a store of its link statements (``SortedRuns.link_statements``)."""
    from kg.link import find_activities, link_triples

    return link_triples(find_activities(statements))


def build_files(paths, output: Path, jobs: int = 1, encoding: str | None = None, strict: bool = False,
                progress: bool | None = None, store: Path | None = None, engine: str = "local",
                scheduler: str | None = None, aliases: Path | AliasTable | None = None,
                parts: Path | None = None) -> BuildReport:
    """Read articles under ``paths``, extract them and write the corpus graph to ``output``.

    With ``parts`` (a directory) the workers write one sorted N-Quads file per
    partition there (kg.parts) and ``output`` is their merge, the same bytes.

    With ``store`` (a directory) each article graph also goes into the on-disk SPARQL
    store as its own named graph (kg.store.update_articles): after the file is written
    with one job, or with ``--strict``, or ``parts``; else by a process of its own while
    the articles are extracted (kg.store_writer.StoreWriter), the same store content.
    ``aliases`` is an alias file (kg.aliases) or a loaded table; a bad row fails the build
    before anything is read or written.
    """
    from kg.ingest import iter_documents

    check_output(output)  # fail early: unknown suffix, a folder, a parent that is a file
    if aliases is not None and not isinstance(aliases, AliasTable):
        aliases = load_aliases(aliases)
    opened = None
    if store is not None:  # and the store: not a store, locked by another writer
        from kg.store import open_store

        opened = open_store(store)
    try:
        docs = iter_documents([Path(p) for p in paths], encoding=encoding)
        if progress is None:
            progress = sys.stderr.isatty()
        fmt = format_for(output)
        writer = None
        if opened is not None and jobs > 1 and parts is None and not strict:
            # the store is written by a process of its own while the workers extract (kg.store_writer);
            # --strict writes nothing on a problem, so it keeps the update for the end
            from kg.store_writer import StoreWriter

            opened = None  # the writer opens the store: close it here first
            writer = StoreWriter(store)
        with contextlib.ExitStack() as stack, \
                SortedRuns(output, quads=fmt.quads or opened is not None, triples=not fmt.quads) as runs:
            if writer is not None:
                stack.enter_context(writer)
            if parts is not None:
                part_files, report = collect_parts(docs, parts, jobs=jobs, progress=progress,
                                                   keep_results=store is not None, engine=engine,
                                                   scheduler=scheduler, aliases=aliases)
                if not (strict and report.problems):
                    for f in part_files:
                        runs.add_quad_file(f)
            else:
                part_files, report = [], BuildReport()
                rows: dict[str, tuple[str, str]] = {}  # article IRI -> (content hash, source path)
                for iri, triples in iter_articles(docs, report, jobs=jobs, progress=progress,
                                                  keep_results=store is not None, engine=engine,
                                                  scheduler=scheduler, aliases=aliases):
                    quads = article_quads(iri, triples)
                    runs.add(quads)
                    if writer is not None:
                        if str(iri) not in rows:  # new: iter_articles has just recorded its row
                            rows[str(iri)] = report.results[-1][1:]
                        writer.put(str(iri), *rows[str(iri)], [q.triple for q in quads])
            if strict and report.problems:
                for f in part_files:
                    f.unlink(missing_ok=True)
                raise InputError("; ".join(str(p) for p in report.problems) + " (--strict: nothing written)")
            if report.built == 0 and report.duplicates == 0 and report.problems:
                report.kept = output  # every input failed: an empty graph must not replace a good one
                return report
            report.triples = write_runs(runs, output)
            report.output = output
            if writer is not None:
                report.store = writer.finish()
            elif opened is not None:
                from kg.store import ArticleQuads, update_articles

                rows = {iri: (h, src) for iri, h, src in report.results}
                inputs = (ArticleQuads(iri, *rows[iri], triples) for iri, triples in runs.articles())
                report.store = update_articles(opened, inputs)
                opened.flush()
            return report
    finally:
        del opened  # the store's lock goes with the last reference


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
