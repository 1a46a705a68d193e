"""The store update of a multi-job build, in its own process while the articles are extracted.

With ``--jobs 1`` kg build extracts every article, writes the output, then updates the
store from the sorted runs (kg.spill): the store update is a serial tail, and with more
jobs it leaves all but one core idle (about 12 s of a 113 s 2-job build at 40 MB of news).
``StoreWriter`` moves it off that tail: a process of its own opens the store and runs
``kg.store.update_articles`` over the articles as the parent receives them, so the store
is written while the workers extract and the parent writes its output. The store ends up
with the same content (update_articles merges an article named twice, and sorts its
report); only the order in which articles are written differs.

Each article crosses to the writer as N-Triples bytes through a bounded queue, so the
writer can fall behind by at most ``QUEUE_ARTICLES`` articles: memory stays bounded and a
slow disk slows the build instead of filling memory. If the build fails, ``close`` stops
the writer between batches: the store keeps the batches already written (each article
whole, as an interrupted ``update_articles`` leaves it). A build that gives no article
does not touch the store.
"""
from __future__ import annotations

import queue
import signal
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

QUEUE_ARTICLES = 256  # articles received but not yet taken by the writer
_DONE, _ABORT = "done", "abort"
_POLL = 1.0  # seconds between checks that the writer is still alive while the queue is full
_STOP_WAIT = 30.0  # seconds an aborted writer gets to stop between batches before it is terminated


class StoreWriter:
    """A process that updates the store at ``path`` with the articles given to ``put``.

    Use as a context manager around the extraction; call ``finish`` for the
    ``UpdateReport`` once the last article is given. Leaving the block without
    ``finish`` (an error) aborts the writer.

    Raises:
        StoreError: from ``finish`` or ``put``, when the writer failed (the store
            cannot be opened, an article came twice with different content).
    """

    def __init__(self, path: Path):
        # spawned, not forked: a fork inherits RocksDB's background thread pool locked but without its
        # threads (the parent opened the store to check it), and the child's first bulk load hangs
        ctx = get_context("spawn")
        self._queue = ctx.Queue(QUEUE_ARTICLES)
        self._results = ctx.Queue()
        self._process = ctx.Process(target=_serve, args=(str(path), self._queue, self._results),
                                    name="kg-store-writer", daemon=True)
        self._process.start()
        self._open = True

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def put(self, iri: str, content_hash: str, source_path: str, triples: Sequence[ox.Triple]) -> None:
        """Queue one article's triples for the store (waits while the writer is ``QUEUE_ARTICLES`` behind)."""
        self._send((iri, content_hash, source_path, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))

    def finish(self):
        """Wait for the writer to write the last batch and the corpus links; return its ``UpdateReport``."""
        self._send(_DONE)
        self._open = False
        outcome = self._outcome()
        self._process.join()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop the writer if ``finish`` was not called (it stops between batches)."""
        if not self._open:
            return
        self._open = False
        try:  # behind by a full queue, the writer frees a place as it takes the next article
            self._queue.put(_ABORT, timeout=_STOP_WAIT)
        except queue.Full:
            pass
        self._process.join(timeout=_STOP_WAIT)
        if self._process.is_alive():
            self._process.terminate()  # a batch cut short is repaired when the store is next opened
            self._process.join()

    def _send(self, item) -> None:
        while True:
            try:
                self._queue.put(item, timeout=_POLL)
                return
            except queue.Full:
                if not self._process.is_alive():
                    self._fail()

    def _outcome(self):
        while True:
            try:
                return self._results.get(timeout=_POLL)
            except queue.Empty:
                if not self._process.is_alive():
                    try:  # it may have put its outcome just before it ended
                        return self._results.get(timeout=_POLL)
                    except queue.Empty:
                        return StoreError(f"the store writer stopped (exit code {self._process.exitcode})")

    def _fail(self):
        self._open = False
        outcome = self._outcome()
        raise outcome if isinstance(outcome, BaseException) else StoreError("the store writer stopped early")


class _Aborted(Exception):
    """The build failed: stop between batches."""


def _articles(first, items: queue.Queue) -> Iterator:
    from kg.store import ArticleQuads

    item = first
    while True:
        if item == _DONE:
            return
        if item == _ABORT:
            raise _Aborted
        iri, content_hash, source_path, data = item
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        yield ArticleQuads(iri, content_hash, source_path, triples)
        item = items.get()


def _serve(path: str, items: queue.Queue, results: queue.Queue) -> None:
    """The writer process: update the store with the queued articles; put the report (or the error)."""
    from kg.store import open_store, update_articles

    # Ctrl-C reaches the whole process group: the parent stops the writer (between batches), not the signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    first = items.get()
    if first in (_DONE, _ABORT):  # no article: the store is left as it was
        results.put(None)
        return
    try:
        store = open_store(path)
        report = update_articles(store, _articles(first, items))
        store.flush()
        results.put(report)
    except _Aborted:
        results.put(None)
    except StoreError as e:
        results.put(e)
    except Exception as e:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(StoreError(f"{path}: the store update failed: {type(e).__name__}: {e}\n{traceback.format_exc()}"))
