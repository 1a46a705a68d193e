"""Shared pieces of the extractors: spans, Aho-Corasick matchers, number parsing."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from kg.normalize import is_cjk

# Parts of speech that may sit inside a name (places, organizations).
NAME_POS = {"n", "ns", "nt", "nz", "nr", "nrt", "nrfg", "ng", "g", "j", "vn", "an", "b", "s", "x_cjk", "a", "nw"}
# Words that end a name when walking left from a suffix.
BREAK_WORDS = frozenset(
    "在 由 对 为 向 和 与 及 同 到 把 将 是 的 了 给 等 各 全 该 其 本 我 联合 带领 组织 深入 走进 慰问 走访 看望 来到 "
    "参加 开展 共同 积极 分别 以及 还 并 也 都 前往 会同 协同 依托 通过 包括 对接 原本 则 已 现 从 今年 近日 日前 "
    "目前 期间 上午 下午 当日 每 该 这 此 其它 其他 部分 有关 相关 一行 代表 所 之 于 以 联系 新时代 支持 感谢 牵挂 心系 关心".split()
)


@dataclass(frozen=True)
class Span:
    """A mention in the normalized article text: offsets (end exclusive), surface form and attributes."""

    kind: str
    start: int
    end: int
    text: str
    name: str = ""  # canonical name (after abbreviation expansion)
    attrs: tuple = field(default_factory=tuple)  # sorted (key, value) pairs

    def get(self, key, default=None):
        for k, v in self.attrs:
            if k == key:
                return v
        return default

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


def attrs(**kw) -> tuple:
    """Return keyword attributes as a sorted tuple (hashable, deterministic)."""
    return tuple(sorted((k, v) for k, v in kw.items() if v is not None))


def build_matcher(words) -> ahocorasick.Automaton:
    """Return an Aho-Corasick automaton over ``words`` (values are the words)."""
    a = ahocorasick.Automaton()
    for w in sorted(set(words)):
        a.add_word(w, w)
    a.make_automaton()
    return a


def longest_matches(automaton, text: str) -> list[tuple[int, int, str]]:
    """Return non-overlapping matches (start, end, word), longest first then leftmost."""
    found = []
    for end_idx, word in automaton.iter(text):
        found.append((end_idx - len(word) + 1, end_idx + 1, word))
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int, str]] = []
    for m in found:
        if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
            taken.append(m)
    return sorted(taken)


# ------------------------------------------------------------------ numbers
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUM_RE = rf"(?:[0-9０-９]+(?:[.,，．][0-9０-９]+)*|[{_CN_DIGITS}]+)"


def fold(text: str) -> str:
    """Return a width-folded copy of ``text`` of the same length (full-width digits -> ASCII)."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def parse_number(s: str) -> float | None:
    """Parse Arabic or Chinese numerals: '51000' -> 51000, '两' -> 2, '四十' -> 40, '40.7' -> 40.7."""
    s = fold(s).replace(",", "").replace("，", "")
    if not s:
        return None
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", s):
        return float(s)
    if all(ch in _CN_DIGITS for ch in s):
        return _cn_to_number(s)
    return None


@lru_cache(maxsize=4096)
def _cn_to_number(s: str) -> float | None:
    import cn2an

    try:
        return float(cn2an.cn2an(s.replace("两", "二").replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def is_name_char(ch: str) -> bool:
    """Return True for a character that may belong to a name."""
    return is_cjk(ch)
