"""Run untrusted SPARQL in worker processes that can be killed: a time limit and a result-size limit per query.

``kg serve`` answers ``/query`` through a ``QueryPool``: a few worker processes,
each with the store opened read-only. A query goes to an idle worker; when it
does not answer within the time limit the worker is killed (SIGKILL, so a cross
product stops using its core at once) and a fresh one takes its place. A result
larger than the row limit is refused, not truncated. A worker that dies (a crash
in the engine) costs one failed query, never the server.

Workers watch their parent: when the server is gone (even after ``kill -9``)
they exit within a fraction of a second, so no orphan keeps the store open.

>>> pool = QueryPool("output/store", size=2, timeout=5.0, max_rows=10_000)   # doctest: +SKIP
>>> pool.run(resolve_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), {}, "json")   # doctest: +SKIP
Answer(kind='select', media_type='application/sparql-results+json', body=b'...')
>>> pool.close()                                                              # doctest: +SKIP
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError, PoolBusy, QueryError, QueryTimeout, QueryTooLarge

# How a result is written, by the short name the endpoint negotiates.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "nt": "application/n-triples",
    "ttl": "text/turtle",
}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("nt", "ttl")


@dataclass(frozen=True)
class Answer:
    """A serialized query result."""

    kind: str  # select | ask | graph
    media_type: str
    body: bytes


# --------------------------------------------------------------------------- worker side


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.2)


def _worker_main(conn, store_dir: str, parent: int) -> None:  # pragma: no cover - runs in a child process
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from kg.query import execute
    from kg.store import open_store

    try:
        store = open_store(store_dir, read_only=True)
    except KGError as e:
        conn.send(("error", "QueryError", str(e)))
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        query, params, fmt, max_rows = request
        try:
            result = execute(store, query, params, max_rows=max_rows)
            conn.send(("ok", result.kind, *serialize(result, fmt)))
        except QueryTooLarge as e:
            conn.send(("error", "QueryTooLarge", str(e)))
        except KGError as e:
            conn.send(("error", "QueryError", str(e)))
        except Exception as e:  # noqa: BLE001 - anything the engine raises is this query's failure
            conn.send(("error", "QueryError", f"{query.origin}: query failed: {type(e).__name__}: {e}"))


def serialize(result, fmt: str | tuple[str, str]) -> tuple[str, bytes]:
    """Write a QueryResult in ``fmt`` (see MEDIA_TYPES); return (media type, bytes).

    ``fmt`` is one name or a pair (format for SELECT/ASK results, format for graphs).
    Results of SELECT and ASK take json/xml/csv/tsv, graphs take nt/ttl; a format of
    the other family falls back to that family's first (json, nt).
    """
    import pyoxigraph as ox

    from kg.query import format_result

    if isinstance(fmt, tuple):
        fmt = fmt[1] if result.kind == "graph" else fmt[0]
    if result.kind == "graph":
        fmt = fmt if fmt in GRAPH_FORMATS else "nt"
        triples = [ox.Triple(s, p, o) for s, p, o in result.rows]
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
        body = ox.serialize(triples, format=rdf_format) or b""
        return MEDIA_TYPES[fmt], body
    fmt = fmt if fmt in RESULT_FORMATS else "json"
    if fmt == "json":
        text = format_result(result, "json")
    elif fmt == "xml":
        text = _xml(result)
    elif fmt == "csv":
        text = format_result(result, "csv") if result.kind == "select" else ("_askResult\r\n" + str(result.boolean).lower() + "\r\n")
    else:
        text = _tsv(result) if result.kind == "select" else ("?_askResult\n" + str(result.boolean).lower() + "\n")
    return MEDIA_TYPES[fmt], text.encode("utf-8")


def _tsv(result) -> str:
    # SPARQL 1.1 TSV: variables with '?', terms in their N-Triples/Turtle form
    lines = ["\t".join("?" + c for c in result.columns)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _xml(result) -> str:
    from xml.sax.saxutils import escape, quoteattr

    import pyoxigraph as ox

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(c)}/>" for c in result.columns]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{str(result.boolean).lower()}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for c, t in zip(result.columns, row):
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    cell = f"<uri>{escape(t.value)}</uri>"
                elif isinstance(t, ox.BlankNode):
                    cell = f"<bnode>{escape(t.value)}</bnode>"
                elif t.language:
                    cell = f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
                else:
                    cell = f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
                out.append(f"<binding name={quoteattr(c)}>{cell}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- server side


class _Worker:
    def __init__(self, ctx, store_dir: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, store_dir, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.generation = 0

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise QueryError(f"a query worker did not start in {timeout:.0f} s")
        message = self.conn.recv()
        if message[0] != "ready":
            self.kill()
            raise QueryError(message[2])
        self.ready = True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes over the store at ``store_dir`` (opened read-only in each).

    Raises:
        QueryError: a worker cannot open the store or does not start.
    """

    def __init__(self, store_dir: str | os.PathLike, *, size: int = 2, timeout: float = 10.0, max_rows: int = 10_000,
                 start_timeout: float = 60.0):
        self.store_dir = str(Path(store_dir))
        self.timeout = timeout
        self.max_rows = max_rows
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")  # no inherited threads or store handles
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._generation = 0
        workers = [self._spawn() for _ in range(size)]
        try:
            for w in workers:
                w.wait_ready(start_timeout)
        except QueryError:
            self.close()
            raise
        for w in workers:
            self._idle.put(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self.store_dir)
        w.generation = self._generation
        with self._lock:
            self._all.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` and start a replacement in the background (the caller does not wait for it)."""
        self._retire(w)
        if self._closed:
            return

        def start():
            fresh = self._spawn()
            try:
                fresh.wait_ready(self.start_timeout)
            except QueryError:
                self._retire(fresh)
                return
            if self._closed:
                self._retire(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=start, daemon=True).start()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return sorted(w.process.pid for w in self._all if w.process.pid)

    def run(self, query, params: Mapping[str, str] | None, fmt: str | tuple[str, str]) -> Answer:
        """Run a NamedQuery in a worker and return its serialized result.

        Raises:
            QueryTimeout: no answer within the time limit (the worker was killed).
            QueryTooLarge: more rows than ``max_rows``.
            PoolBusy: no worker became free within the time limit.
            QueryError: the query is refused or fails (syntax, parameters, a crash).
        """
        if self._closed:
            raise QueryError("the server is shutting down")
        try:
            w = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(f"every query worker is busy; try again (queries may run {self.timeout:g} s each)") from None
        try:
            w.conn.send((query, dict(params or {}), fmt, self.max_rows))
            if not w.conn.poll(self.timeout):
                self._replace(w)
                w = None
                raise QueryTimeout(f"{query.origin}: the query ran longer than the {self.timeout:g} s limit and was stopped")
            message = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if w is not None:
                self._replace(w)
                w = None
            raise QueryError(f"{query.origin}: the query worker died while running it (the server goes on)") from None
        finally:
            if w is not None:
                if w.generation != self._generation:
                    self._replace(w)  # opened the store before an update
                else:
                    self._idle.put(w)
        if message[0] == "ok":
            _, kind, media_type, body = message
            return Answer(kind, media_type, body)
        error = {"QueryTooLarge": QueryTooLarge}.get(message[1], QueryError)
        raise error(message[2])

    @property
    def generation(self) -> int:
        """How many times the workers were recycled (after updates): results cached under another generation are stale."""
        return self._generation

    def recycle(self) -> None:
        """Replace every worker (after an update, so the next queries see it); busy ones when they finish."""
        self._generation += 1
        pending = []
        while True:
            try:
                pending.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for w in pending:
            self._replace(w)

    def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            self._retire(w)
