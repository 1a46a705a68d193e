"""Shared pieces of the mention finders: width folding, numbers, Aho-Corasick matchers, token lookup."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import ahocorasick

from kg.lexicon import NUM
from kg.normalize import is_cjk
from kg.segment import Token

__all__ = ["NUM", "Tokens", "build_matcher", "cjk_only", "fold", "longest_matches", "parse_number", "is_cjk"]

_CN_DIGITS = set("零〇一二两三四五六七八九十百千万亿")


class _FoldTable(dict):
    """str.translate table filled on first sight of a character: its NFKC form when that is one character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = unicodedata.normalize("NFKC", ch)
        self[code] = value = f if len(f) == 1 else ch
        return value


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Return a width-folded copy of ``text`` of the same length (full-width digits and letters -> ASCII).

    >>> fold("１２３元，ＡＢ")
    '123元,AB'
    """
    return text.translate(_FOLD)


def cjk_only(s: str) -> bool:
    """Return True when ``s`` is non-empty and all CJK ideographs."""
    return bool(s) and all(is_cjk(c) for c in s)


# A count of people or items above this is a misreading (an ID, a phone number), not a count.
MAX_COUNT = Decimal(10) ** 9


def parse_number(s: str) -> Decimal | None:
    """Parse Arabic or Chinese numerals exactly: '51000' -> 51000, '两' -> 2, '四十' -> 40, '5.27' -> 5.27."""
    s = fold(s).replace(",", "").replace("，", "").replace("．", ".")
    if not s:
        return None
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", s):
        try:
            return Decimal(s)
        except InvalidOperation:
            return None
    if all(ch in _CN_DIGITS for ch in s):
        return _cn_to_number(s)
    return None


@lru_cache(maxsize=4096)
def _cn_to_number(s: str) -> Decimal | None:
    import cn2an

    try:
        v = cn2an.cn2an(s.replace("两", "二").replace("〇", "零"), "smart")
    except (ValueError, KeyError, TypeError):
        return None
    return Decimal(str(v)).normalize() if v is not None else None


def build_matcher(words) -> ahocorasick.Automaton:
    """Return an Aho-Corasick automaton over ``words`` (values are the words)."""
    a = ahocorasick.Automaton()
    for w in sorted(set(words)):
        a.add_word(w, w)
    if len(a):
        a.make_automaton()
    return a


def longest_matches(automaton, text: str) -> list[tuple[int, int, str]]:
    """Return non-overlapping matches (start, end, word), longest first then leftmost, in text order."""
    if not len(automaton):
        return []
    found = [(end - len(w) + 1, end + 1, w) for end, w in automaton.iter(text)]
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int, str]] = []
    for m in found:
        if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
            taken.append(m)
    return sorted(taken)


class Tokens:
    """jieba's tokens of one sentence with lookup by character offset (offsets local to the sentence)."""

    def __init__(self, tokens: tuple[Token, ...]):
        self.tokens = tokens
        self._starts = [t.start for t in tokens]

    def __iter__(self):
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def at(self, i: int) -> Token | None:
        """Return the token covering offset ``i``."""
        k = bisect_right(self._starts, i) - 1
        if 0 <= k < len(self.tokens) and self.tokens[k].start <= i < self.tokens[k].end:
            return self.tokens[k]
        return None

    def starting_at(self, i: int) -> Token | None:
        """Return the token that starts exactly at ``i``."""
        t = self.at(i)
        return t if t is not None and t.start == i else None

    def ending_at(self, i: int) -> Token | None:
        """Return the token that ends exactly at ``i``."""
        t = self.at(i - 1) if i > 0 else None
        return t if t is not None and t.end == i else None

    def is_boundary(self, i: int) -> bool:
        """Return True when a token starts (or the sentence starts or ends) at ``i``."""
        return i == 0 or self.at(i) is None or self.at(i).start == i


def known_word(word: str) -> bool:
    """True when ``word`` is in jieba's dictionary (its tag is the dictionary's, not the HMM's guess)."""
    from kg.tokenizer import jieba_tokenizer

    return bool(jieba_tokenizer().FREQ.get(word))


def name_start(s: str, tokens: Tokens, pos: int, floor: int, max_len: int, allow_dot: bool = False) -> int:
    """Walk left from ``pos`` over the characters of a name; return where the name starts.

    The walk stops at anything not CJK, at ``floor`` (the end of the previous mention), after
    ``max_len`` characters, and at a word that cannot sit inside a name: a verb of the story
    (联合, 收到, 来到), a preposition or conjunction standing alone (在, 与, 和), an adverb
    (相继, 分别) or a time word. jieba's tokens say where words begin, but its tags on rare names
    are often wrong (大连/d, 由海亮/nr), so tags only ever stop the walk at a token boundary.
    """
    from kg.lexicon import words  # local: text.py is imported by the lexicon's users

    breaks = words("name_break")
    singles = words("name_break_char")
    strong = words("name_break_char_strong")
    stop_pos = words("name_break_pos")
    name_ok = words("name_ok")
    long_breaks = [w for w in breaks if len(w) > 1]
    j = pos
    while j > floor and pos - j < max_len:
        ch = s[j - 1]
        if ch in "·•" and j >= 2 and is_cjk(s[j - 2]) and allow_dot:
            j -= 1  # 中国西部研究发展促进会·绿色产业发展委员会: a body of a body, one name
            continue
        if not is_cjk(ch):
            break
        if any(s.endswith(w, floor, j) for w in long_breaks):
            break
        tok = tokens.ending_at(j)
        if tok is not None and tok.word not in name_ok:
            if tok.word in breaks or tok.pos in stop_pos:
                break
            if tok.pos == "v" and len(tok.word) >= 2 and tok.word not in words("name_verbs") and known_word(tok.word):
                # 贯彻落实|北京市…总工会: a verb of the sentence; one-character "verbs" are often mis-tagged names,
                # and a "verb" jieba guessed for a word it does not know is usually part of a name (长乐|联达|化纤…)
                break
            if tok.pos == "m" and (tok.word[-1] in words("quantity_end_char") or fold(tok.word).isdigit()):
                break  # 十多个|乡镇, 50名|大学: a count ends the name
        glued = tokens.starting_at(j - 1) if ch in singles else None
        if glued is not None:
            # a break character standing alone, or glued by the tagger to a name (由海亮, 9月22日区)
            before = tokens.ending_at(j - 1)
            after_digit = j >= 2 and fold(s[j - 2]).isdigit() or before is not None and before.pos == "m"
            if len(glued.word) == 1 or glued.pos in ("nr", "ns", "nz", "nt") and (ch in strong or after_digit):
                break
        j -= 1
    return j
