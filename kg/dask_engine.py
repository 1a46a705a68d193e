"""Extraction on Dask: the same per-document function, run by a Dask cluster.

``kg build --engine dask`` cuts the stream of documents into partitions of about
``PARTITION_CHARS`` characters, submits each partition to the cluster as one task
(the per-document function mapped over it), and yields the results in input order,
so the written graph is byte-identical to ``--jobs 1``. Without a scheduler address a
``LocalCluster`` of ``jobs`` worker processes runs on 127.0.0.1; with one, the same
command runs on an existing cluster (its workers need kg-news installed). At most
``2 x workers`` partitions are in flight, so memory is bounded by the partitions, not
the archive. Problems found while reading (unreadable files) are yielded in place.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from kg.aliases import AliasTable
from kg.errors import KGError
from kg.model import Document, Problem

# About 100 articles a task: small enough that every worker stays busy to the end (2 MB partitions left
# one of two workers idle on a 4 MB input and 26% slower than --jobs 2 at 40 MB), large enough that the
# scheduler's cost per task (milliseconds) stays under 1%.
PARTITION_CHARS = 100_000

# The local cluster has no dashboard, so nothing reads the statistical profile each worker
# otherwise takes of its task thread (a stack sample every 10 ms): it is turned off there.
# A cluster given by --scheduler keeps its own configuration.
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


def _client(jobs: int, scheduler: str | None):
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError as e:
        raise KGError("--engine dask needs Dask, installed with the 'dask' extra: pip install 'kg-news[dask]'") from e
    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as e:
            raise KGError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the workers are started with the config in force
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=40)
    return Client(cluster), cluster


def _partitions(docs: Iterable[Document | Problem], size: int) -> Iterator[list]:
    """Lists of documents (and the Problems between them, in place) of about ``size`` characters."""
    part, chars = [], 0
    for d in docs:
        part.append(d)
        if isinstance(d, Document):
            chars += len(d.text)
        if chars >= size:
            yield part
            part, chars = [], 0
    if part:
        yield part


def _work_partition(part: list, aliases: AliasTable | None = None) -> list:
    from kg.build import _work

    return [d if isinstance(d, Problem) else _work(d, aliases) for d in part]


def iter_results_dask(docs: Iterable[Document | Problem], jobs: int = 1, scheduler: str | None = None,
                      partition_chars: int | None = None, aliases: AliasTable | None = None) -> Iterator:
    """Yield per-article results (or Problems) in input order, extracted by a Dask cluster."""
    partition_chars = partition_chars or PARTITION_CHARS
    client, cluster = _client(jobs, scheduler)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        pending: deque = deque()
        for part in _partitions(docs, partition_chars):
            pending.append(client.submit(_work_partition, part, aliases, pure=False))
            while len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def iter_parts_dask(docs: Iterable[Document | Problem], parts_dir: str, jobs: int = 1, scheduler: str | None = None,
                    partition_chars: int | None = None, aliases: AliasTable | None = None) -> Iterator[tuple[int, list]]:
    """``kg build --parts`` on Dask: each task writes its partition's part file (kg.parts.write_part).

    Yields ``(index, summary)`` in input order; at most ``2 x workers`` partitions in flight.
    """
    from kg.parts import write_part

    partition_chars = partition_chars or PARTITION_CHARS
    client, cluster = _client(jobs, scheduler)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        pending: deque = deque()
        for i, part in enumerate(_partitions(docs, partition_chars)):
            pending.append((i, client.submit(write_part, part, i, str(parts_dir), aliases, pure=False)))
            while len(pending) >= 2 * workers:
                j, future = pending.popleft()
                yield j, future.result()
        while pending:
            j, future = pending.popleft()
            yield j, future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
