"""OCR and web clean-up: one normalized text per article.

Only line breaks and spaces are touched; every other character is kept as written
(full-width digits, ，), so evidence stays faithful. Paragraphs stay apart as ``\\n``.

>>> normalize("盛亚 杰 带 队")
'盛亚杰带队'
"""
from __future__ import annotations

import unicodedata

# Characters after which a line may end a paragraph or sentence.
END_PUNCT = "。！？!?…；;：:”』」）)】"
_SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"


def is_cjk(ch: str) -> bool:
    """Return True for a CJK ideograph."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def is_cjk_punct(ch: str) -> bool:
    """Return True for CJK or full-width punctuation, including “”‘’ and □."""
    o = ord(ch)
    return (0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFF0F or 0xFF1A <= o <= 0xFF20 or 0xFF3B <= o <= 0xFF40
            or 0xFF5B <= o <= 0xFF65 or ch in "“”‘’□■●·…—")


def _wide(ch: str) -> bool:
    return is_cjk(ch) or is_cjk_punct(ch)


def _run(line: str, i: int, step: int) -> int:
    """Return how many CJK characters run from ``i`` in direction ``step`` before a space or anything else."""
    n = 0
    while 0 <= i < len(line) and is_cjk(line[i]):
        n += 1
        i += step
    return n


def _remove_spaces(line: str, keep_word_gaps: bool = False) -> str:
    """Drop spaces that have a CJK character or CJK punctuation on one side and CJK or a digit on the other.

    With ``keep_word_gaps`` (web text, not OCR columns) a space between two words of two or more CJK
    characters stays, as one space: it separates a byline from a masthead (何英婷 湖南日报), which joined
    would read as one name. Spaced-out single characters (张 建 国) are still joined.
    """
    out = []
    n = len(line)
    i = 0
    while i < n:
        ch = line[i]
        if ch in _SPACES:
            j = i
            while j < n and line[j] in _SPACES:
                j += 1
            left = line[i - 1] if i > 0 else ""
            right = line[j] if j < n else ""
            if not left or not right:
                i = j  # leading/trailing spaces go
                continue
            lw, rw = _wide(left), _wide(right)
            ld, rd = left.isdigit(), right.isdigit()
            if keep_word_gaps and is_cjk(left) and is_cjk(right) and _run(line, i - 1, -1) >= 2 and _run(line, j, 1) >= 2:
                out.append(" ")
                i = j
                continue
            if (lw and (rw or rd)) or (rw and (lw or ld)):
                i = j
                continue
            out.append(" ")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _visual_len(line: str) -> int:
    return sum(1 for ch in line if ch not in _SPACES)


def _word_spans(before: str, after: str) -> bool:
    """Return True when a dictionary word runs across the break between ``before`` and ``after``."""
    from kg.tokenizer import jieba_tokenizer  # lazy: only OCR text with blank lines inside paragraphs needs it


    left, right = before.rstrip(_SPACES)[-4:], after.lstrip(_SPACES)[:4]
    pos = 0
    for word in jieba_tokenizer().lcut(left + right, HMM=False):
        if pos < len(left) < pos + len(word):
            return True
        pos += len(word)
    return False


def _number_line(line: str) -> bool:
    """True for a line holding only a number (a page that sets 2016, 188 or 94.3 on lines of their own)."""
    return 0 < len(line) <= 10 and all(ch.isdigit() or ch in ".．%％" for ch in line)


def _is_column_layout(lines: list[str]) -> tuple[bool, int]:
    """Detect OCR text broken at a fixed column width; return (is_ocr, typical width)."""
    body = [l for l in lines if _visual_len(l) >= 4]
    if len(body) < 6:
        return False, 0
    lengths = sorted(_visual_len(l) for l in body)
    width = lengths[int(len(lengths) * 0.75)]
    open_ends = sum(1 for l in body if l.rstrip(_SPACES)[-1:] not in END_PUNCT)
    near = sum(1 for l in body if abs(_visual_len(l) - width) <= max(3, width // 5))
    return (width <= 40 and open_ends / len(body) >= 0.5 and near / len(body) >= 0.5), width


def normalize(raw: str) -> str:
    """Return the normalized text of an article: lines broken inside words joined, CJK spacing removed."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch == "\n" or ch == "\t" or unicodedata.category(ch) != "Cc")
    lines = text.split("\n")
    ocr, width = _is_column_layout(lines)
    paragraphs: list[str] = []
    current = ""
    prev_full = False  # the previous non-empty line filled the column
    blank_run = 0
    last = ""  # the previous non-empty line
    for line in lines:
        stripped = line.strip(_SPACES)
        if not stripped:
            blank_run += 1
            continue
        if not current:
            current = stripped
        elif ocr:
            ended = current.rstrip(_SPACES)[-1:] in END_PUNCT
            if blank_run and (ended or not (prev_full or _word_spans(current, stripped))):
                paragraphs.append(current)
                current = stripped
            elif ended and line[:1] in _SPACES:  # an indented line after a full stop starts a paragraph
                paragraphs.append(current)
                current = stripped
            else:
                current = current + ("" if _wide(current[-1]) or _wide(stripped[0]) else " ") + stripped
        elif not blank_run and current.rstrip(_SPACES)[-1:] not in END_PUNCT and (
                _number_line(last) or _number_line(stripped) or _word_spans(current, stripped)):
            current = current + stripped  # a word broken across two lines, or a number set on a line of its own
        else:
            paragraphs.append(current)
            current = stripped
        prev_full = ocr and _visual_len(line) >= width - 1
        last = stripped
        blank_run = 0
    if current:
        paragraphs.append(current)
    cleaned = (_remove_spaces(p, keep_word_gaps=not ocr) for p in paragraphs)
    return "\n".join(p for p in cleaned if p)
