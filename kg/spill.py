"""A corpus's statements as sorted runs, so a build's memory does not grow with its input.

``kg build`` writes its output sorted (kg.graphio) and puts each article graph into
the store. Holding every article's triples until the end made memory grow with the
archive (about 900 MB at 40 MB of news). ``SortedRuns`` takes the article graphs as
they are extracted and keeps at most ``chunk`` statements in memory: when the buffer
is full it is sorted and written to a run file (N-Quads or N-Triples) in a temporary
folder beside the output. Reading is an external merge sort: ``quads()`` and
``triples()`` merge the runs (``heapq.merge``), dropping repeats, so the output
writer, the store update and the corpus links all stream. A small build never
touches the disk: its last buffer is an in-memory run.

Three views are kept, each only when asked for:

- quads (one named graph per article), sorted graph first: for TriG and N-Quads
  output and for the store, which reads them an article at a time (``articles()``);
- triples (the union graph), sorted: for Turtle, N-Triples and JSON-LD output;
- the link statements (predicates kg.link reads), buffered and bulk-loaded into an
  Oxigraph store in the run folder, from which the corpus links are found after the
  last article.

Part files of ``kg build --parts`` are sorted N-Quads already and are used as quad
runs as they are (``add_quad_file``).
"""
from __future__ import annotations

import heapq
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.graphio import statement_key

CHUNK = 50_000  # statements of one view held in memory before a run is written
FAN_IN = 32  # runs merged at once (and open at once while merging)


class SortedRuns:
    """The statements of a corpus, added an article at a time, read back sorted and without repeats.

    ``beside`` is the output file the runs go next to (in a folder
    ``.NAME.PID.XXXX.tmp``, which kg.graphio.remove_stale_temps clears if a killed
    build left it); ``quads``, ``triples`` and ``links`` choose the views kept.
    Use as a context manager: the run folder is removed on exit.
    """

    def __init__(self, beside: Path, quads: bool = True, triples: bool = False, links: bool = True,
                 chunk: int | None = None):
        self.beside = Path(beside)
        chunk = chunk or CHUNK
        self._views = {name: _View(name, chunk, self._folder) for name, on in
                       (("quads", quads), ("triples", triples)) if on}
        self._links: list[ox.Quad] | None = [] if links else None  # buffer of link statements
        self._link_store: ox.Store | None = None  # on disk in the run folder once the buffer spilled
        self._chunk = chunk
        self._link_predicates = None
        if links:
            from kg.link import LINK_PREDICATES

            self._link_predicates = LINK_PREDICATES
        self._dir: Path | None = None

    def __enter__(self) -> SortedRuns:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the run files (not the part files given to ``add_quad_file``)."""
        for view in self._views.values():
            view.runs.clear()
            view.buffer = set()
        self._link_store = None  # closes the on-disk store before its folder goes
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _folder(self) -> Path:
        if self._dir is None:
            self.beside.parent.mkdir(parents=True, exist_ok=True)
            self._dir = Path(tempfile.mkdtemp(prefix=f".{self.beside.name}.{os.getpid()}.", suffix=".tmp",
                                              dir=self.beside.parent))
        return self._dir

    # ------------------------------------------------------------------ adding

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add statements (``ox.Quad`` in an article's named graph), in any order, repeats allowed."""
        q_view = self._views.get("quads")
        t_view = self._views.get("triples")
        for q in quads:
            if q_view is not None:
                q_view.add(q)
            self._add_derived(q, t_view)
        for view in self._views.values():  # only between articles: an article stays in one run
            view.spill_if_full()

    def _add_derived(self, q: ox.Quad, t_view) -> None:
        if t_view is not None:
            t_view.add(q.triple)
        if self._links is not None and q.predicate.value in self._link_predicates:
            self._links.append(ox.Quad(q.subject, q.predicate, q.object))
            if len(self._links) >= self._chunk:
                self._spill_links()

    def _spill_links(self) -> None:
        if self._link_store is None:
            self._link_store = ox.Store(str(self._folder() / "links"))
        self._link_store.bulk_extend(self._links)
        self._links = []

    def add_quad_file(self, path: Path) -> None:
        """Use a sorted N-Quads file (a part file) as a quad run; read it for the other views.

        Raises:
            InputError: the file is missing or does not parse.
        """
        path = Path(path)
        q_view = self._views.get("quads")
        if q_view is not None:
            q_view.add_run(_Run(path, owned=False))
        t_view = self._views.get("triples")
        if t_view is not None or self._links is not None:
            for q in _read(path, ox.RdfFormat.N_QUADS):
                self._add_derived(q, t_view)
                if t_view is not None:
                    t_view.spill_if_full()
        elif not path.is_file():
            raise InputError(f"{path}: cannot read the part file: it is missing")

    # ------------------------------------------------------------------ reading

    def quads(self) -> Iterator[ox.Quad]:
        """Every article quad once, sorted by ``statement_key`` (graph, subject, predicate, object)."""
        return self._views["quads"].merged()

    def triples(self) -> Iterator[ox.Triple]:
        """Every union triple once, sorted by ``statement_key``."""
        return self._views["triples"].merged()

    def articles(self) -> Iterator[tuple[str, list[ox.Triple]]]:
        """``(article IRI, its triples)`` for every article, run by run, each run in IRI order.

        An article is in one run (``add`` spills between articles only), unless it was
        added twice (one text in two files) and the copies fell in different runs: then
        it comes once per run, with repeats, which the store update merges. Reading run
        by run skips the merge, the costly part of reading the runs back.
        """
        view = self._views["quads"]
        for run in view.all_runs():
            for name, group in itertools.groupby(run.read(view.format), key=lambda q: q.graph_name.value):
                yield name, [q.triple for q in group]

    def link_statements(self) -> ox.Store:
        """The statements kg.link reads, in the default graph of a store (on disk in the run folder
        once there were more than ``chunk`` of them, else in memory)."""
        if self._link_store is None:
            store = ox.Store()
            store.extend(self._links)
            return store
        self._spill_links()
        return self._link_store


@dataclass
class _Run:
    """One sorted run: a file (``path``) or, for the last buffer, a sorted list in memory."""

    path: Path | None = None
    statements: list | None = None
    level: int = 0  # how many merges made it: runs of one level are merged FAN_IN at a time
    owned: bool = True  # a run file of ours (removed when merged), not a part file

    def read(self, fmt: ox.RdfFormat) -> Iterator:
        return iter(self.statements) if self.statements is not None else _read(self.path, fmt)


class _View:
    """One sorted view: an in-memory buffer and the runs written so far."""

    def __init__(self, name: str, chunk: int, folder):
        self.name = name
        self.chunk = chunk
        self.folder = folder
        self.buffer: set = set()
        self.runs: list[_Run] = []
        self.format = ox.RdfFormat.N_QUADS if name == "quads" else ox.RdfFormat.N_TRIPLES
        self._written = 0

    def add(self, statement) -> None:
        self.buffer.add(statement)

    def spill_if_full(self) -> None:
        if len(self.buffer) >= self.chunk:
            self.spill()

    def add_run(self, run: _Run) -> None:
        self.runs.append(run)
        self._compact()

    def spill(self) -> None:
        statements = sorted(self.buffer, key=statement_key)
        self.buffer = set()
        self.add_run(_Run(self._write(statements)))

    def _write(self, statements: Iterable) -> Path:
        path = self.folder() / f"{self.name}-{self._written:06d}.{'nq' if self.name == 'quads' else 'nt'}"
        self._written += 1
        with open(path, "wb") as out:
            ox.serialize(statements, out, self.format)
        return path

    def _compact(self) -> None:
        """Merge FAN_IN runs of one level into one run of the next, so a merge never opens too many files.

        Each statement is rewritten once per level: log_FAN_IN(runs) times in all.
        """
        level = 0
        while True:
            same = [r for r in self.runs if r.level == level and r.statements is None]
            if len(same) < FAN_IN:
                return
            merged = _Run(self._write(_merge([r.read(self.format) for r in same])), level=level + 1)
            for r in same:
                self.runs.remove(r)
                if r.owned:
                    r.path.unlink()
            self.runs.append(merged)
            level += 1

    def all_runs(self) -> list[_Run]:
        """The runs written, and the buffer as a last run in memory."""
        runs = list(self.runs)
        if self.buffer:
            runs.append(_Run(statements=sorted(self.buffer, key=statement_key)))
        return runs

    def merged(self) -> Iterator:
        return _merge([r.read(self.format) for r in self.all_runs()])


def _merge(streams: list[Iterator]) -> Iterator:
    """Sorted streams merged into one, each statement once."""
    if not streams:
        return iter(())
    if len(streams) == 1:
        return streams[0]
    return unique(heapq.merge(*streams, key=statement_key))


def unique(statements: Iterable) -> Iterator:
    """Drop repeats from a sorted stream (a statement in several runs)."""
    previous = None
    for s in statements:
        if s != previous:
            yield s
            previous = s


def _read(path: Path, fmt: ox.RdfFormat) -> Iterator:
    """The statements of a run or part file, as they are stored (sorted)."""
    try:
        with open(path, "rb") as f:
            if fmt == ox.RdfFormat.N_QUADS:
                yield from ox.parse(f, format=fmt)
            else:  # Oxigraph reads N-Triples as quads in the default graph
                for q in ox.parse(f, format=fmt):
                    yield q.triple
    except (OSError, SyntaxError) as e:
        raise InputError(f"{path}: cannot read the part file: {e}") from e

