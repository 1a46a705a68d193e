"""jieba, set up once for every stage that segments words (normalize, segment, people).

jieba keeps its prefix dictionary cache in the system temp folder as ``jieba.cache``;
a cache file another user owns makes it print a traceback on every run. kg-news
keeps the cache in the user's own cache folder instead (``$XDG_CACHE_HOME/kg-news``,
else ``~/.cache/kg-news``, else a per-user folder in the temp folder), and a cache
that cannot be written only costs the second or so of building it again.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import cache
from pathlib import Path


def cache_dir() -> Path | None:
    """The first folder of the candidates that exists or can be made and is writable."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates = [Path(xdg) / "kg-news"] if xdg else []
    candidates.append(Path.home() / ".cache" / "kg-news")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(Path(tempfile.gettempdir()) / f"kg-news-{uid}")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK | os.X_OK):
            return folder
    return None


@cache
def jieba_tokenizer():
    """jieba's default tokenizer, initialized with kg-news's cache folder and quiet logging."""
    import jieba

    # jieba logs a failed cache write with a traceback; the build is fine without the cache
    jieba.setLogLevel(logging.CRITICAL)
    folder = cache_dir()
    if folder is not None:
        jieba.dt.tmp_dir = str(folder)
    jieba.dt.initialize()
    return jieba.dt
