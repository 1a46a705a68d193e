"""kg-news: knowledge graphs from Chinese news.

The public API, imported lazily so that ``import kg`` stays cheap:

>>> from kg import process_document, Document          # doctest: +SKIP
>>> process_document(Document("a.txt", "a", "…")).graph  # doctest: +SKIP
"""
from __future__ import annotations

import importlib

_API = {
    "Document": "kg.model",
    "Problem": "kg.model",
    "iter_documents": "kg.ingest",
    "normalize": "kg.normalize",
    "prepare": "kg.pipeline",
    "extract_document": "kg.pipeline",
    "process_document": "kg.pipeline",
    "build_files": "kg.build",
    "build_graph": "kg.build",
    "write_graph": "kg.build",
    "evaluate": "kg.evaluate",
    "validate": "kg.validate",
    "run_query": "kg.query",
    "open_store": "kg.store",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r} (public API: {', '.join(__all__)})")
