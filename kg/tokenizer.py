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
from functools import cache, lru_cache
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


# How many HMM blocks (runs of characters the dictionary does not know) keep their tags.
HMM_CACHE_SIZE = 1 << 16


@cache
def pos_tokenizer():
    """jieba's part-of-speech tokenizer with its HMM step memoized.

    Most of jieba's time goes to the Viterbi pass over runs of unknown characters (names,
    places), and news repeats those runs: on THUCNews 42% of the characters the HMM sees
    were seen before. The pass is a pure function of the run, so remembering it changes
    no tag; each process keeps its own bounded cache.
    """
    import jieba.posseg
    from jieba.posseg import pair

    from kg.hmm import make_viterbi

    class CachedPOSTokenizer(jieba.posseg.POSTokenizer):
        # overrides the name-mangled private jieba.posseg.POSTokenizer.__cut (jieba 0.42)
        def _POSTokenizer__cut(self, sentence):
            return iter(_hmm(sentence))

    viterbi = make_viterbi(jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P,
                           jieba.posseg.char_state_tab_P)
    tokenizer = CachedPOSTokenizer(jieba_tokenizer())

    @lru_cache(maxsize=HMM_CACHE_SIZE)
    def _hmm(sentence: str) -> tuple:
        # jieba.posseg.POSTokenizer.__cut with kg.hmm's Viterbi: B..E spans are words, S single characters
        _, states = viterbi(sentence)
        words, begin, nexti = [], 0, 0
        for i, (position, flag) in enumerate(states):
            if position == "B":
                begin = i
            elif position == "E":
                words.append(pair(sentence[begin:i + 1], flag))
                nexti = i + 1
            elif position == "S":
                words.append(pair(sentence[i], flag))
                nexti = i + 1
        if nexti < len(sentence):
            words.append(pair(sentence[nexti:], states[nexti][1]))
        return tuple(words)

    return tokenizer
