"""The on-disk SPARQL store: one named graph per article, updated incrementally.

The store is an Oxigraph database (pyoxigraph ``Store(path)``). Every article
lives in its own named graph whose name is the article IRI
(``kgr:article/<16 hex>``); the article node in that graph carries
``kgo:contentHash`` and ``kgo:sourcePath``. A shared entity (a person, an
organization, a place) is described again in each article graph that names it.

The default graph holds the union of the article graphs, each triple once, and
queries read it. (Oxigraph's ``use_default_graph_as_union`` option is not used:
it yields a triple once per named graph holding it, so a label stated by 25
articles would match 25 times and inflate counts and sums.) Adding an article
adds its triples to both; dropping one deletes from the union exactly the
triples no other article graph states, then drops the article graph.

Writes go in batches of whole articles (about ``_BATCH_TRIPLES`` quads). New
articles, and the union triples they add (their distinct triples minus those
the union already holds), go in through Oxigraph's bulk loader
(``Store.bulk_extend``): each batch is written as sorted files that RocksDB
ingests in one step, several times faster than a transaction, but Oxigraph does
not document the bulk loader as transactional. So before a bulk batch the store
records, in one transaction, which articles it is about to write (the graph
``kgr:pending``), and clears the record when the batch is in. A crash (a power
cut, kill -9) in the middle of a batch leaves the record; the next write to the
store (``kg build``, ``kg remove``) first drops those articles and any union
triple no graph states (``repair_interrupted``), so the store is again as it
was before the batch and the build adds them anew. Replacing and dropping
articles (changed text, ``kg remove``) and the links are SPARQL Update
requests, each one transaction. The input is consumed batch by batch, so memory
holds one batch, not every quad.

>>> store = open_store("output/store")                      # doctest: +SKIP
>>> update_articles(store, [(iri, sha, "a.txt", graph)])     # doctest: +SKIP
>>> remove_articles(store, ["a.txt"])                        # doctest: +SKIP
>>> export_store(store, "output/graph.trig")                 # doctest: +SKIP
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import pyoxigraph as ox
import rdflib

from kg.errors import StoreError
from kg.graphio import format_for, read_graph, to_ox_term, write_graph_file
from kg.graphio import to_rdflib as graphio_to_rdflib
from kg.ontology import KGO, KGR, LINKS_GRAPH

DEFAULT_STORE = Path("output/store")
# Held (flock) by `kg serve` for as long as it serves the store; writers refuse a served store.
# The kernel drops the lock when the server dies, even by kill -9, so it never goes stale.
SERVE_LOCK = "kg-serve.lock"

_ARTICLE_PREFIX = str(KGR) + "article/"
# Articles a bulk write has begun and not finished (see the module docstring): kgr:pending holds
# <article> rdf:type kgo:Article for each; empty (absent) whenever no write is under way.
_PENDING = ox.NamedNode(str(KGR["pending"]))
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ARTICLE = ox.NamedNode(str(KGO.Article))
_CONTENT_HASH = ox.NamedNode(str(KGO.contentHash))
_SOURCE_PATH = ox.NamedNode(str(KGO.sourcePath))
# Rows of updates sent to Oxigraph in one request; bounds the memory of one transaction
# while keeping per-request overhead small. Each request is still atomic. A bulk load's
# buffers grow faster than its batch: on THUCNews articles 50,000 triples a batch peaked
# at 232 MB in the writing process, 25,000 at 163 MB, in the same time.
_BATCH_TRIPLES = 25_000


class ArticleGraph(NamedTuple):
    """One article's extraction, as ``update_articles`` takes it."""

    iri: str
    content_hash: str
    source_path: str
    graph: rdflib.Graph


class ArticleQuads(NamedTuple):
    """One article's extraction as Oxigraph triples (blank nodes already scoped to the article)."""

    iri: str
    content_hash: str
    source_path: str
    triples: Sequence[ox.Triple]


@dataclass(frozen=True)
class StoredArticle:
    """An article graph found in the store."""

    iri: str
    content_hash: str
    source_paths: tuple[str, ...]

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """The document ids of its source paths: the file stem, or the JSONL row id."""
        return tuple(doc_id_of(p) for p in self.source_paths)


@dataclass
class UpdateReport:
    """What ``update_articles`` did, by source path (sorted)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed_graphs: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # articles of a bulk write cut short, dropped first
    activities: int = 0  # activities reported by several articles, after the links were recomputed
    link_seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        repaired = (f"; {len(self.repaired)} articles of an interrupted write dropped and written again"
                    if self.repaired else "")
        return (
            f"store: {len(self.added)} added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged; {self.activities} activities reported by several articles{repaired}"
        )


# --------------------------------------------------------------------------- open


def open_store(path: str | os.PathLike = DEFAULT_STORE, *, read_only: bool = False, wait: float = 10.0,
               create: bool = True, serving: bool = False) -> ox.Store:
    """Open (or create) the on-disk store at ``path``; with ``create=False`` it must exist.

    ``read_only=True`` opens an existing store without taking the write lock,
    so queries can run while ``kg serve`` reads the same store; the store must exist.
    Opening for writing refuses a store that ``kg serve`` is serving (it holds
    ``SERVE_LOCK``; ``serving=True`` is the server itself opening it for updates).
    A store another process is writing is retried for ``wait`` seconds (writes are
    short transactions), then reported.

    Raises:
        StoreError: the path is not a store, does not exist (read-only), or is
            locked by another process writing it, or served by ``kg serve``.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a store directory (it is a file)")
    if read_only:
        if not (path / "CURRENT").exists():
            raise StoreError(f"{path}: no store here; run `kg build PATH... --store {path}` first")
        try:
            return ox.Store.read_only(str(path))
        except OSError as e:
            raise StoreError(f"{path}: cannot open the store read-only: {e}") from e
    if not create and not (path / "CURRENT").exists():
        raise StoreError(f"{path}: no store here; run `kg build PATH... --store {path}` first")
    if not serving:
        _refuse_if_served(path)
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").exists():
        raise StoreError(f"{path}: directory exists but is not an Oxigraph store; choose another --store")
    deadline = time.monotonic() + wait
    while True:
        try:
            path.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(path))
        except OSError as e:
            locked = "lock" in str(e).lower()
            if locked and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            hint = " (another kg build, remove or serve --allow-update is using it)" if locked else ""
            raise StoreError(f"{path}: cannot open the store{hint}: {e}") from e


class ServeLock:
    """The lock ``kg serve`` holds on a store directory while it serves it (see ``hold_serve_lock``)."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    def release(self) -> None:
        """Let writers in again."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> ServeLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def hold_serve_lock(path: str | os.PathLike) -> ServeLock:
    """Take the serve lock of the store at ``path`` and write this process's id into it.

    Raises:
        StoreError: another ``kg serve`` holds it.
    """
    import fcntl

    lock_path = Path(path) / SERVE_LOCK
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = _lock_holder(fd)
        os.close(fd)
        raise StoreError(f"{path}: another kg serve{holder} is already serving this store") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return ServeLock(lock_path, fd)


def _lock_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _refuse_if_served(path: Path) -> None:
    """Raise StoreError when a ``kg serve`` holds the serve lock of ``path``."""
    lock_path = path / SERVE_LOCK
    if not lock_path.exists():
        return
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(
                f"{path}: kg serve{_lock_holder(fd)} is serving this store; stop it before writing to it "
                "(kg build, kg remove), or write another --store"
            ) from None
    finally:
        os.close(fd)


def open_source(source: str | os.PathLike | None = None) -> ox.Store:
    """The one way readers open a graph: a graph file (any kg.graphio format) or a store directory.

    ``None`` is the default store (output/store). Stores are opened read-only and
    must exist.

    Raises:
        InputError: a graph file is missing or does not parse.
        StoreError: the store does not exist or cannot be opened.
    """
    if source is None:
        try:
            return open_store(DEFAULT_STORE, read_only=True)
        except StoreError as e:
            raise StoreError(f"{e} (or pass a graph file)") from e
    path = Path(source)
    if path.is_dir():
        return open_store(path, read_only=True)
    return read_graph(path)


# --------------------------------------------------------------------------- read


def stored_articles(store: ox.Store) -> dict[str, StoredArticle]:
    """Return the articles in the store by IRI (graph name = article IRI)."""
    found: dict[str, tuple[str, set[str]]] = {}
    for graph in store.named_graphs():
        if not isinstance(graph, ox.NamedNode):
            continue
        hashes = [q.object.value for q in store.quads_for_pattern(graph, _CONTENT_HASH, None, graph)]
        sources = {q.object.value for q in store.quads_for_pattern(graph, _SOURCE_PATH, None, graph)}
        if hashes or sources:
            found[graph.value] = (min(hashes) if hashes else "", sources)
    return {
        iri: StoredArticle(iri, h, tuple(sorted(srcs)))
        for iri, (h, srcs) in sorted(found.items())
    }


def doc_id_of(source_path: str) -> str:
    """The document id of a source path: ``dir/a.txt`` -> ``a``, ``f.jsonl#17`` -> ``17``."""
    if "#" in source_path:
        return source_path.rsplit("#", 1)[1]
    return PurePosixPath(source_path.replace("\\", "/")).stem


def triple_count(store: ox.Store) -> int:
    """Number of triples in the union graph (the default graph queries read)."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(next(iter(result))["n"].value)


def union_triples(store: ox.Store) -> list[ox.Triple]:
    """The triples of the union graph, sorted by their N-Triples form."""
    return sorted(
        (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
        key=_triple_key,
    )


def to_rdflib(store: ox.Store) -> rdflib.Graph:
    """The union graph as an rdflib Graph (for libraries that need one: pyshacl, the views)."""
    return graphio_to_rdflib(store)


# --------------------------------------------------------------------------- write


def update_articles(store: ox.Store, results: Iterable[Sequence]) -> UpdateReport:
    """Put each article's graph into the store as its own named graph.

    Each result is ``(article_iri, content_hash, source_path, graph)`` where
    ``graph`` is an ``rdflib.Graph`` (an ``ArticleGraph``) or the article's
    triples as Oxigraph terms (an ``ArticleQuads``, what ``kg build`` passes), or
    an object with those attributes (``kg.pipeline.ArticleResult``). For each article:

    - the same content hash with the same triples already stored: nothing changes;
    - the same content hash with different triples (the extractor changed): the
      graph is replaced;
    - another article stored under the same source path (the text changed):
      that article's graph is dropped and the new one added;
    - otherwise the graph is added.

    Results naming the same article twice (one text in two files) are merged.
    Results are consumed and written in batches of about ``_BATCH_TRIPLES``
    quads, so memory holds one batch, not the whole input. New articles go in
    through Oxigraph's bulk loader (``bulk_extend``), the union triples they
    add with them; replacements are SPARQL Update transactions.
    """
    report = UpdateReport()
    report.repaired = repair_interrupted(store)
    existing = stored_articles(store)
    by_source: dict[str, set[str]] = {}
    for art in existing.values():
        for src in art.source_paths:
            by_source.setdefault(src, set()).add(art.iri)
    written: dict[str, tuple[str, set[str]]] = {}  # articles written by this call: hash, sources
    dropped: set[str] = set()

    batch: dict[str, tuple[str, set[str], set]] = {}
    size = 0
    for result in results:
        iri, content_hash, source_path, triples = _unpack(result)
        if iri in batch:
            old_hash, sources, known = batch[iri]
            if old_hash != content_hash:
                raise StoreError(f"{source_path}: article {iri} given twice with different content hashes")
            sources.add(source_path)
            known.update(triples)
        else:
            batch[iri] = (content_hash, {source_path}, set(triples))
        size += len(triples)
        if size >= _BATCH_TRIPLES:
            _write_batch(store, batch, existing, by_source, written, dropped, report)
            batch, size = {}, 0
    if batch:
        _write_batch(store, batch, existing, by_source, written, dropped, report)

    started = time.monotonic()
    report.activities = len(refresh_links(store))
    report.link_seconds = time.monotonic() - started
    for lst in (report.added, report.replaced, report.unchanged, report.removed_graphs):
        lst.sort()
    return report


def _write_batch(store: ox.Store, batch: dict, existing: dict[str, StoredArticle], by_source: dict[str, set[str]],
                 written: dict[str, tuple[str, set[str]]], dropped: set[str], report: UpdateReport) -> None:
    """Write one batch of articles (``iri -> (hash, sources, triples)``); see ``update_articles``."""
    adds: list[tuple[str, list[ox.Triple]]] = []
    replace_ops: list[tuple[list[str], str, list[ox.Quad]]] = []
    for iri in sorted(batch):
        content_hash, sources, triples = batch[iri]
        name = ox.NamedNode(iri)
        if iri in written:  # named again by an earlier batch of this call: merge with what was written
            old_hash, old_sources = written[iri]
            if old_hash != content_hash:
                raise StoreError(f"{sorted(sources)[0]}: article {iri} given twice with different content hashes")
            sources |= old_sources
            triples |= {q.triple for q in store.quads_for_pattern(None, None, None, name)}
            written[iri] = (content_hash, sources)
            quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
            replace_ops.append(([iri], iri, quads))
            continue
        written[iri] = (content_hash, set(sources))
        label = sorted(sources)[0]
        stale = set()
        for src in sources:
            stale |= by_source.get(src, set())
        stale -= set(batch) | set(written)  # articles written in this run are handled by their own entry
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples] if iri in existing or stale else []
        if iri in existing:
            if existing[iri].content_hash == content_hash and not stale and _same_graph(store, name, quads):
                report.unchanged.append(label)
                continue
            stale.add(iri)
        stale -= dropped
        if stale:
            dropped |= stale
            replace_ops.append((sorted(stale), iri, quads))
            report.replaced.append(label)
            report.removed_graphs.extend(sorted(stale - {iri}))
        else:
            adds.append((iri, list(triples)))
            report.added.append(label)
    _bulk_add(store, adds)
    _replace(store, replace_ops)


def resolve_selectors(store: ox.Store, selectors: Iterable[str]) -> dict[str, StoredArticle]:
    """Map each selector (source path, doc id, article IRI or its 16-hex id) to stored articles.

    Raises:
        StoreError: a selector matches no article, or a doc id matches several
            (name the source path instead); nothing is removed then.
    """
    articles = stored_articles(store)
    chosen: dict[str, StoredArticle] = {}
    problems: list[str] = []
    for sel in selectors:
        key = sel.strip()
        iri = _expand_article_iri(key)
        if iri in articles:
            chosen[iri] = articles[iri]
            continue
        by_path = [a for a in articles.values() if key in a.source_paths]
        if not by_path and ("/" in key or os.sep in key or os.path.exists(key)):
            # a path from any folder: the stored source path is the input's name plus the path inside it
            absolute = os.path.abspath(key).replace(os.sep, "/")
            by_path = [a for a in articles.values() if any(absolute.endswith("/" + p) for p in a.source_paths)]
        if not by_path:
            by_path = [a for a in articles.values() if key in a.doc_ids]
            if len(by_path) > 1:
                paths = ", ".join(p for a in by_path for p in a.source_paths)
                problems.append(f"{sel!r} names several articles ({paths}); give the source path")
                continue
        if not by_path:
            problems.append(f"{sel!r} matches no article in the store (give a source path, doc id or article IRI)")
            continue
        for a in by_path:
            chosen[a.iri] = a
    if problems:
        raise StoreError("; ".join(problems))
    return dict(sorted(chosen.items()))


def remove_articles(store: ox.Store, selectors: Iterable[str]) -> list[StoredArticle]:
    """Drop the named graphs of the selected articles in one transaction; return them.

    Facts another article also states stay (they are in that article's graph too).
    """
    repair_interrupted(store)
    chosen = resolve_selectors(store, selectors)
    if chosen:
        _run_update(store, [_drop_article(iri) for iri in chosen])
        refresh_links(store)  # the activities these articles reported lose a report, or end
    return list(chosen.values())


# --------------------------------------------------------------------------- links


def refresh_links(store: ox.Store) -> list:
    """Recompute the corpus links (kg.link) of the whole store and replace its links graph.

    One transaction: the links graph (``kgr:links``) is dropped, its triples leave the
    union unless an article graph states them too, and the new links go into the links
    graph and the union. Returns the activities (kg.link.Activity).
    """
    from kg.link import find_activities, link_triples

    activities = find_activities(store)
    g = ox.NamedNode(str(LINKS_GRAPH))
    ops = [
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }}",
        f"DROP SILENT GRAPH {g}",
    ]
    triples = link_triples(activities)
    if triples:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        ops.append(f"INSERT DATA {{\n{body}\nGRAPH {g} {{\n{body}\n}} }}")
    _run_update(store, ops)
    return activities


# --------------------------------------------------------------------------- files


def export_store(store: ox.Store, path: str | os.PathLike) -> int:
    """Write the store to ``path`` in the format its suffix names; return the statements written.

    Turtle, N-Triples and JSON-LD get the union graph (each triple once); TriG
    and N-Quads hold the article graphs, one named graph each (the union is
    derived from them; ``load_graph_file`` rebuilds it). Output is sorted, so the
    same store always gives the same bytes. The file is replaced atomically.
    """
    if format_for(path).quads:
        quads = [q for q in store.quads_for_pattern(None, None, None, None)
                 if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name != _PENDING]
        return write_graph_file(path, (), quads)
    return write_graph_file(path, union_triples(store))


def load_graph_file(path: str | os.PathLike) -> ox.Store:
    """Read a graph file into an in-memory store (kg.graphio.read_graph): the union as the default graph."""
    return read_graph(path)


# --------------------------------------------------------------------------- helpers


def _unpack(result) -> tuple[str, str, str, list[ox.Triple]]:
    """One result as (iri, hash, source path, its triples as Oxigraph terms, blank nodes scoped)."""
    if hasattr(result, "article_iri") and hasattr(result, "graph"):  # kg.pipeline.ArticleResult
        result = (result.article_iri, result.content_hash, result.source_path, result.graph)
    try:
        iri, content_hash, source_path, graph = result
    except (TypeError, ValueError) as e:
        raise StoreError(f"article result must be (iri, content_hash, source_path, graph), got {result!r:.80}") from e
    iri = str(iri)
    if not iri.startswith(_ARTICLE_PREFIX):
        raise StoreError(f"{source_path}: article IRI {iri} is not under {_ARTICLE_PREFIX}")
    if isinstance(graph, rdflib.Graph):
        triples = [ox.Triple(*t) for t in _to_ox_triples(graph, iri)]
    else:
        triples = [t if isinstance(t, ox.Triple) else ox.Triple(*t) for t in graph]
    return iri, str(content_hash), str(source_path), triples


def _expand_article_iri(key: str) -> str:
    if key.startswith("<") and key.endswith(">"):
        key = key[1:-1]
    if key.startswith("kgr:"):
        return str(KGR) + key[4:]
    if key.startswith("article/"):
        return str(KGR) + key
    if len(key) == 16 and all(c in "0123456789abcdef" for c in key):
        return _ARTICLE_PREFIX + key
    return key


def _to_ox_term(term, article_iri: str):
    # Scope blank nodes to the article: two articles' _:b0 are different nodes.
    return to_ox_term(term, article_iri.rsplit("/", 1)[-1])


def _to_ox_triples(graph: rdflib.Graph, article_iri: str) -> Iterator[tuple]:
    cache: dict = {}
    for s, p, o in graph:
        yield tuple(
            cache[t] if t in cache else cache.setdefault(t, _to_ox_term(t, article_iri))
            for t in (s, p, o)
        )


def _same_graph(store: ox.Store, name: ox.NamedNode, quads: list[ox.Quad]) -> bool:
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads):
        return False  # blank nodes need isomorphism; replacing is always correct
    stored = set(store.quads_for_pattern(None, None, None, name))
    if len(stored) != len(set(quads)):
        return False
    # Oxigraph stores literals by value ("7.0"^^xsd:decimal reads back as "7"):
    # compare with the new triples as the store would give them back.
    scratch = ox.Store()
    scratch.extend(quads)
    return stored == set(scratch.quads_for_pattern(None, None, None, name))


def _bulk_add(store: ox.Store, articles: list[tuple[str, list[ox.Triple]]]) -> None:
    """Add new article graphs and the union triples they bring, with Oxigraph's bulk loader.

    The union part is the distinct triples of these graphs. A triple the union
    already holds is written again as the same key, which leaves one copy (the
    store is a set of quads), so it is not looked up first: a lookup per triple
    costs more than rewriting the few shared ones.

    The batch goes to ``bulk_load`` as N-Quads that Oxigraph itself serialized
    (escaped; a real newline only ends a statement), which skips making a
    Python quad per statement. Oxigraph's parser renames blank nodes, so a batch
    with a blank node (the text ``_:`` anywhere) goes through ``bulk_extend`` instead.
    """
    if not articles:
        return
    _run_update(store, [f"INSERT DATA {{ GRAPH {_PENDING} {{ "
                        + " ".join(f"{ox.NamedNode(iri)} {_RDF_TYPE} {_ARTICLE} ." for iri, _ in articles) + " } }"])
    _bulk_write(store, articles)
    _run_update(store, [f"DROP SILENT GRAPH {_PENDING}"])


def repair_interrupted(store: ox.Store) -> list[str]:
    """Undo a bulk write that was cut short (its articles are still recorded in ``kgr:pending``).

    Drops those article graphs (whole or partly written) with the union triples only
    they state, then the union triples no graph states (written before the cut, their
    article graph not), in one transaction. Returns the IRIs dropped (none: nothing to do).
    """
    iris = sorted(q.subject.value for q in store.quads_for_pattern(None, _RDF_TYPE, _ARTICLE, _PENDING))
    if not iris:
        return []
    ops = [f"DROP SILENT GRAPH {_PENDING}"] + [_drop_article(iri) for iri in iris]
    ops.append("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
    _run_update(store, ops)
    return iris


def _bulk_write(store: ox.Store, articles: list[tuple[str, list[ox.Triple]]]) -> None:
    union = {t for _, triples in articles for t in triples}
    chunks = []
    for iri, triples in articles:
        graph = f" {ox.NamedNode(iri)} .\n".encode()
        chunks.append(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).replace(b" .\n", graph))
    chunks.append(ox.serialize(union, format=ox.RdfFormat.N_TRIPLES))
    data = b"".join(chunks)
    try:
        if b"_:" not in data:
            store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
            return
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri)) for iri, triples in articles for t in triples]
        quads.extend(ox.Quad(t.subject, t.predicate, t.object) for t in union)
        store.bulk_extend(quads)
    except (OSError, SyntaxError) as e:
        raise StoreError(f"cannot write the store: {e}") from e


def _replace(store: ox.Store, ops: list[tuple[list[str], str, list[ox.Quad]]]) -> None:
    """Drop stale graphs and insert the new ones, each article in one SPARQL Update transaction.

    Terms are written in N-Triples syntax by pyoxigraph itself (escaped), never
    from raw text.
    """
    batch: list[str] = []
    size = 0
    for stale, iri, quads in ops:
        parts = [_drop_article(g) for g in stale]
        if quads:
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            parts.append(f"INSERT DATA {{\n{body}\nGRAPH {ox.NamedNode(iri)} {{\n{body}\n}} }}")
        batch.append(" ;\n".join(parts))
        size += len(quads)
        if size >= _BATCH_TRIPLES:
            _run_update(store, batch)
            batch, size = [], 0
    if batch:
        _run_update(store, batch)


def _drop_article(iri: str) -> str:
    """Update operations that drop one article graph and the union triples only it stated."""
    g = ox.NamedNode(iri)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }} ;\n"
        f"DROP SILENT GRAPH {g}"
    )


def _run_update(store: ox.Store, operations: list[str]) -> None:
    try:
        store.update(" ;\n".join(operations))
    except (OSError, SyntaxError, RuntimeError) as e:
        raise StoreError(f"cannot write the store: {e}") from e


def _triple_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))
