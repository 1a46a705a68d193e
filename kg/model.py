"""Frozen records passed between the pipeline's stages."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One input article as read from disk, before normalization.

    ``source_path`` is relative to where ``kg build`` runs (``dir/a.txt``), or
    ``file.jsonl#<id>`` for a row of a JSONL file; ``doc_id`` is the file stem or
    the row's id.
    """

    source_path: str
    doc_id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    media_type: str = "txt"  # txt | md | html | jsonl


@dataclass(frozen=True)
class Problem:
    """An input that could not be read: the file (and line), and why."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Sentence:
    """A span of the normalized text: a sentence ending in 。！？ or a photo caption."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    caption: bool = False


@dataclass(frozen=True)
class Article:
    """A normalized article: every offset the pipeline records points into ``text``."""

    doc: Document
    text: str
    content_hash: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)
