"""``kg build --parts DIR``: one sorted N-Quads file per partition of the input, then their merge.

The documents are cut into partitions of about ``PARTITION_CHARS`` characters
(kg.dask_engine's partitions; Problems found while reading stay in place). Each
partition is extracted by one task, in a worker of the local pool or of the Dask
cluster, and that worker writes the partition's article graphs to
``DIR/part-NNNNN.nq`` (sorted, written to a temporary name and renamed), so a
partition's graph never travels back to the parent. The worker returns only a
summary: the (article IRI, content hash, source path) of each document and the
Problems, in input order, so the report is the one a build without parts gives.
The final output is the merge of the parts (kg.spill.SortedRuns.add_quad_file: they
are sorted runs already), written as any build writes it: the same bytes as without
``--parts``. With ``--engine dask`` and a
remote scheduler, DIR must be a folder every worker can write and the parent can read.
"""
from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from kg.aliases import AliasTable
from kg.errors import InputError
from kg.model import Document, Problem

PARTITION_CHARS = 2_000_000
_PART = re.compile(r"part-\d{5}\.nq")


def part_path(parts_dir: Path, index: int) -> Path:
    """The file of partition ``index``."""
    return Path(parts_dir) / f"part-{index:05d}.nq"


def prepare_parts_dir(parts_dir: Path) -> Path:
    """Create ``parts_dir`` (or check it) and remove the part files an earlier build left in it.

    Raises:
        InputError: it is a file, or cannot be created or written.
    """
    parts_dir = Path(parts_dir)
    if parts_dir.exists() and not parts_dir.is_dir():
        raise InputError(f"{parts_dir}: --parts needs a folder, and this is a file")
    try:
        parts_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{parts_dir}: cannot create the parts folder: {e}") from e
    if not os.access(parts_dir, os.W_OK | os.X_OK):
        raise InputError(f"{parts_dir}: cannot write in the parts folder")
    for old in parts_dir.iterdir():
        if _PART.fullmatch(old.name):
            old.unlink()
    return parts_dir


def write_part(part: list, index: int, parts_dir: str, aliases: AliasTable | None = None) -> list:
    """Extract one partition, write its article graphs to its part file; return its summary.

    The summary has one entry per item, in order: a Problem, or the
    ``(article IRI, content hash, source path)`` of the article built.
    """
    from kg.build import _work, to_article_quads
    from kg.graphio import write_graph_file

    per_article: dict = {}
    summary: list = []
    for d in part:
        r = d if isinstance(d, Problem) else _work(d, aliases)
        if isinstance(r, Problem):
            summary.append(r)
            continue
        iri, h, src, triples = r
        per_article.setdefault(iri, set()).update(triples)
        summary.append((str(iri), h, src))
    quads = [q for qs in to_article_quads(per_article).values() for q in qs]
    write_graph_file(part_path(Path(parts_dir), index), (), quads)
    return summary


def iter_parts_local(docs: Iterable[Document | Problem], parts_dir: Path, jobs: int = 1,
                     aliases: AliasTable | None = None, partition_chars: int | None = None) -> Iterator[tuple[int, list]]:
    """Write every partition's part file in ``jobs`` processes; yield ``(index, summary)`` in input order."""
    from multiprocessing import get_context

    from kg.build import shared_extractor
    from kg.dask_engine import _partitions

    parts = enumerate(_partitions(docs, partition_chars or PARTITION_CHARS))
    if jobs <= 1:
        for i, part in parts:
            yield i, write_part(part, i, str(parts_dir), aliases)
        return
    in_flight = threading.BoundedSemaphore(jobs * 2)  # partitions read ahead of the workers

    def bounded():
        for i, part in parts:
            in_flight.acquire()
            yield i, part

    ctx = get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with shared_extractor(ctx), ctx.Pool(jobs) as pool:
        for i, summary in pool.imap(partial(_write_indexed, parts_dir=str(parts_dir), aliases=aliases), bounded()):
            in_flight.release()
            yield i, summary


def _write_indexed(item: tuple[int, list], parts_dir: str, aliases: AliasTable | None) -> tuple[int, list]:
    i, part = item
    return i, write_part(part, i, parts_dir, aliases)

