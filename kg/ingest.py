"""Read articles from files, folders and JSONL archives into ``Document`` records.

Reading stops at decoding: the text keeps its line breaks, spaces and OCR noise
(``kg.normalize`` cleans those up). Encodings are detected from the bytes, not
from the file name. Unreadable inputs become ``Problem`` records so one bad file
never stops a build.
"""
from __future__ import annotations

import codecs
import errno
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

from kg.errors import InputError
from kg.model import Document, Problem

__all__ = [
    "SUFFIXES",
    "DecodeError",
    "decode_bytes",
    "html_to_text",
    "iter_documents",
    "markdown_to_text",
]

# Suffix (lower case) -> Document.media_type.
SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}

_ALLOWED = ", ".join(SUFFIXES)
_SUPPORTED = "UTF-8, UTF-16, GB18030/GBK or Big5"

# How much of a JSONL file decides its encoding; rows are then decoded one by one.
_JSONL_SAMPLE_BYTES = 64 * 1024
# How many bytes of a file pick among the legacy encodings, before one decodes it all.
_HEAD_BYTES = 64 * 1024
# Legacy encodings tried when a file is not UTF-8, best first when they tie.
# Big5 variants: plain Big5, Microsoft's (euro sign and more), Hong Kong's (HKSCS characters).
_LEGACY = ("gb18030", "big5", "cp950", "big5hkscs", "utf-16-le", "utf-16-be")
# How many characters the encoding scores look at: enough to be sure, bounded for big files.
_SCORE_CHARS = 20_000
# A detected encoding must make at least this share of the text plausible.
_MIN_SCORE = 0.6
# Above this share of control characters a "text" is really binary data.
_MAX_CONTROL_SHARE = 0.1

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Names people pass for GB-family files; GB18030 decodes all of them.
_GB_ALIASES = {"gb2312", "gbk", "cp936", "ms936", "euc-cn", "euccn", "gb18030", "gb-18030"}

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file marker in old files
# Punctuation and signs news text uses in any script: dashes, quotes, ellipsis, euro, yen, degree.
_TYPOGRAPHY = frozenset("\u2013\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u2030\u20ac\u00a5\u00b0\u00b7\u00d7\u2103")


class DecodeError(InputError):
    """Bytes that are not text in a supported encoding; ``offset`` and ``line`` locate the first bad byte if known."""

    def __init__(self, message: str, offset: int | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.line = line


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text, detecting the encoding from the content unless one is forced.

    Detection order: byte-order mark, UTF-16 without BOM (NUL byte pattern),
    strict UTF-8, then the better of GB18030 and Big5 by the share of common
    Chinese characters each produces (charset-normalizer is the last resort).
    A leading BOM is removed; line breaks are left as they are.

    Returns:
        ``(text, encoding)``; the encoding is a Python codec name such as
        ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``gb18030`` or ``big5``.

    Raises:
        DecodeError: (an ``InputError``) binary data, or bytes that are not
            valid in the forced encoding or in any supported one.

    >>> decode_bytes("为职工送温暖".encode("gbk"))
    ('为职工送温暖', 'gb18030')
    """
    if encoding is not None:
        return _decode_forced(data, encoding)
    if not data:
        return "", "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            why = f"it starts with a {_label(name)} byte-order mark"
            text = _strict(data, name.removesuffix("-sig"), why, start=len(bom))
            _check_controls(text)
            return text, name
    if b"\x00" in data:
        found = _detect_utf16(data)
        if found is not None:
            return found
        offset = data.index(b"\x00")
        raise DecodeError(
            f"binary file: NUL byte at offset {offset}; expected text in {_SUPPORTED}",
            offset,
            _line_at(data, offset, "ascii"),
        )
    utf8_error: UnicodeDecodeError | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    else:
        if _control_share(text) <= _MAX_CONTROL_SHARE:
            return text, "utf-8"
        # Valid UTF-8 full of control characters may be BOM-less UTF-16 of CJK text.
    return _detect_legacy(data, utf8_error)


def _detect_utf16(data: bytes) -> tuple[str, str] | None:
    """Return BOM-less UTF-16 text and its byte order if ``data`` (which has NUL bytes) is one."""
    if len(data) % 2:
        return None
    decoded = {}
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _control_share(text) <= _MAX_CONTROL_SHARE:
            decoded[enc] = text
    if not decoded:
        return None
    scores = {enc: _score(text) for enc, text in decoded.items()}
    # Little-endian wins ties: it is what Windows writes.
    best = max(scores, key=lambda enc: (scores[enc], enc == "utf-16-le"))
    if scores[best] >= _MIN_SCORE:
        return decoded[best], best
    # ASCII characters put their NUL on one side only; trust that even for non-Chinese text.
    pattern = _utf16_by_nuls(data)
    if pattern in decoded:
        return decoded[pattern], pattern
    return None


def _codec(encoding: str) -> str:
    """Return the codec to read a forced ``encoding`` with; GBK and GB2312 are read as GB18030, their superset."""
    unknown = f"unknown text encoding {encoding!r}; use a Python codec name such as utf-8, gbk or big5"
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError) as e:  # ValueError: a NUL or a surrogate in the name
        raise DecodeError(unknown) from e
    try:
        b"a".decode(name, "ignore")
    except UnicodeError:
        pass  # a text codec that cannot decode even this ("undefined"); reading will say so
    except LookupError as e:  # not a text encoding: base64, zlib, rot13
        raise DecodeError(unknown) from e
    if name.replace("_", "-") in _GB_ALIASES or encoding.lower() in _GB_ALIASES:
        return "gb18030"
    return name


def _decode_forced(data: bytes, encoding: str) -> tuple[str, str]:
    """Decode with the caller's encoding, stripping a BOM."""
    name = _codec(encoding)
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    text = _strict(data, name, f"encoding {encoding!r} was forced")
    if name in ("utf-16", "utf-32") or text.startswith("\ufeff"):
        text = text.removeprefix("\ufeff")
    _check_controls(text)
    return text, name


def _strict(data: bytes, encoding: str, why: str, start: int = 0) -> str:
    """Decode ``data[start:]`` strictly, turning a failure into a DecodeError that says where and why."""
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as e:
        offset = start + e.start
        bad = data[offset:offset + 1].hex()
        raise DecodeError(
            f"not valid {_label(encoding)} ({why}): cannot decode byte 0x{bad} at offset {offset}",
            offset,
            _line_at(data, offset, encoding),
        ) from e
    except UnicodeError as e:  # a codec that fails without saying where, like "undefined"
        raise DecodeError(f"not valid {_label(encoding)} ({why}): {e}") from e


def _detect_legacy(data: bytes, utf8_error: UnicodeDecodeError | None) -> tuple[str, str]:
    """Pick the Chinese legacy encoding (or BOM-less UTF-16) whose text looks most like Chinese.

    Candidates are scored on the first bytes only, so a large file is decoded
    in full once or twice, not once per candidate.
    """
    head = data[:_HEAD_BYTES]
    ranked: list[tuple[float, int, str]] = []
    for rank, enc in enumerate(_LEGACY):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = codecs.getincrementaldecoder(enc)().decode(head, final=len(head) == len(data))
        except UnicodeDecodeError:
            continue
        if _control_share(text) <= _MAX_CONTROL_SHARE:
            # Lower rank wins ties: GB18030 is the most common legacy encoding of Chinese news.
            ranked.append((_score(text), -rank, enc))
    for score, _, enc in sorted(ranked, reverse=True):
        if score < _MIN_SCORE:
            break
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue  # fine at the start, broken later on: try the next best
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    if utf8_error is None:
        share = _control_share(data.decode("utf-8"))
        raise DecodeError(f"binary file: {share:.0%} control characters; expected text in {_SUPPORTED}")
    offset = utf8_error.start
    raise DecodeError(
        f"cannot detect the text encoding: not valid UTF-8 (byte 0x{data[offset:offset + 1].hex()} at offset "
        f"{offset}) and no other supported encoding ({_SUPPORTED}) gives readable text; "
        "binary file, or force the encoding with encoding=...",
        offset,
        _line_at(data, offset, "utf-8"),
    )


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    """Ask charset-normalizer as a last resort; keep its answer only if it decodes cleanly."""
    from charset_normalizer import from_bytes  # deferred: its import is slow and rarely needed

    best = from_bytes(data[: 256 * 1024]).best()
    if best is None or best.encoding is None:
        return None
    enc = codecs.lookup(best.encoding).name
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None
    if _control_share(text) > _MAX_CONTROL_SHARE or _score(text) < _MIN_SCORE:
        return None
    return text, enc


def _utf16_by_nuls(data: bytes) -> str | None:
    """Return the UTF-16 byte order that the NUL bytes of ASCII characters point to, if any."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    # ASCII (spaces, digits, line breaks) in UTF-16 puts its NUL on one side only.
    if odd and odd >= 4 * even:
        return "utf-16-le"
    if even and even >= 4 * odd:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    """Return the share of C0/C1 control characters, other than line breaks and tabs, in a sample."""
    sample = text[:_SCORE_CHARS]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _ALLOWED_CONTROLS)
    return bad / len(sample)


def _check_controls(text: str) -> None:
    share = _control_share(text)
    if share > _MAX_CONTROL_SHARE:
        raise DecodeError(f"binary file: {share:.0%} control characters; expected text in {_SUPPORTED}")


def _score(text: str) -> float:
    """Return the share of characters in ``text`` that are plausible in Chinese news.

    Plausible: ASCII text, CJK and full-width punctuation, and the common
    characters of simplified (GB2312) and traditional (Big5 level 1) Chinese.
    GB bytes read as Big5, or the reverse, or UTF-16 read as either, decode
    into many characters outside those; private-use characters, which only a
    wrong decoding produces, count three times against.
    """
    sample = text[:_SCORE_CHARS]
    if not sample:
        return 1.0
    native = _any_common()
    good = private = 0
    for ch in sample:
        if ch < "\x80":
            good += ch >= " " or ch in _ALLOWED_CONTROLS
        elif ch in native or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or ch in _TYPOGRAPHY:
            good += 1
        elif "\ue000" <= ch <= "\uf8ff":
            private += 1
    return good / (len(sample) + 2 * private)


@cache
def _gb_common() -> frozenset[str]:
    """Return GB2312's punctuation rows and its 6,763 hanzi: the characters of simplified news."""
    rows = [0xA1, 0xA3, *range(0xB0, 0xF8)]
    return _decode_grid("gb2312", rows, range(0xA1, 0xFF))


@cache
def _big5_common() -> frozenset[str]:
    """Return Big5's punctuation rows and its 5,401 frequently used hanzi: the characters of traditional news."""
    # Row A3 (Greek, bopomofo) is left out: GB punctuation read as Big5 lands there.
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    return _decode_grid("big5", [0xA1, 0xA2, *range(0xA4, 0xC7)], trails)


@cache
def _any_common() -> frozenset[str]:
    return _gb_common() | _big5_common()


def _decode_grid(encoding: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[str]:
    trails = list(trails)
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _label(encoding: str) -> str:
    """Return the human spelling of a codec name for messages (utf-16-le -> UTF-16 LE)."""
    name = encoding.removesuffix("-sig").upper().replace("_", "-")
    for family in ("UTF-16", "UTF-32"):
        if name.startswith(family + "-"):
            return f"{family} {name[len(family) + 1:]}"
    return name


# --------------------------------------------------------------------------- markup


_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextParser(HTMLParser):
    """Collect the visible text of an HTML page, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._skip = 0
        self._in_title = False
        self._in_h1 = False
        self._seen_h1 = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK_TAGS:
            self._break()
            if tag == "h1" and not self._seen_h1:
                self._in_h1 = True
            elif tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: a break, and never an unclosed skip or title.
        if tag in _BLOCK_TAGS and not self._skip:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCK_TAGS and tag != "br":
            self._break()
            if tag == "h1" and self._in_h1:
                self._in_h1 = False
                self._seen_h1 = True
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._in_h1:
            self.h1_parts.append(data)
        if not self._pre and self._at_line_start():
            # Indentation and line breaks of the markup source, not article text;
            # ideographic spaces (U+3000) indent Chinese paragraphs and stay.
            data = data.lstrip(" \t\r\n\f")
            if not data:
                return
        self.parts.append(data)

    def _at_line_start(self) -> bool:
        return not self.parts or self.parts[-1].endswith("\n")

    def _break(self) -> None:
        if self._pre:
            if not self._at_line_start():
                self.parts.append("\n")
            return
        # Trailing source whitespace before a block boundary is layout too.
        while self.parts:
            last = self.parts[-1].rstrip(" \t\r\n\f")
            if last:
                self.parts[-1] = last
                self.parts.append("\n")
                return
            self.parts.pop()


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Return the visible text of an HTML page and its title.

    Script, style, noscript and template content is dropped, block elements end
    lines, entities are unescaped. The title is ``<title>``, else the first
    ``<h1>``; ``None`` if neither has text.

    >>> html_to_text("<title>送温暖</title><p>慰问&amp;帮扶</p><script>x=1</script>")
    ('慰问&帮扶', '送温暖')
    """
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).strip(" \t\r\n\f")
    title = _one_line("".join(parser.title_parts)) or _one_line("".join(parser.h1_parts))
    return text, title


def _one_line(text: str) -> str | None:
    return " ".join(text.split()) or None


_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_MD_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$")
_MD_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_MD_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")
_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<!\*)\*(?=\S)(.+?)(?<=\S)\*(?!\*)")
# Underscores only at ASCII word edges, so snake_case names stay intact.
_MD_EM_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9_])_(?=\S)(.+?)(?<=\S)_(?![A-Za-z0-9_])")
_MD_CODE = re.compile(r"`([^`]+)`")


def markdown_to_text(text: str) -> tuple[str, str | None]:
    """Strip Markdown syntax, keeping its text, and return it with the first ``# heading``.

    Line structure is kept (one output line per input line) so line numbers
    still match the file; fence and rule lines become empty lines.

    >>> markdown_to_text("# 送温暖\\n**郭金江**慰问[困难职工](http://x)")
    ('送温暖\\n郭金江慰问困难职工', '送温暖')
    """
    title: str | None = None
    lines = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(2) or ""
            if title is None and len(heading.group(1)) == 1 and line.strip():
                title = line.strip()
        elif _MD_SETEXT_H1.match(line) and lines and lines[-1].strip():
            line = ""  # the underline of a "Title\n=====" heading
            if title is None:
                title = lines[-1].strip()
        elif _MD_FENCE.match(line) or _MD_RULE.match(line) or _MD_LINK_DEF.match(line):
            line = ""
        else:
            line = _MD_QUOTE.sub("", line)
            line = _MD_BULLET.sub(r"\1", line)
        line = _MD_IMAGE_OR_LINK.sub(r"\1", line)
        line = _MD_CODE.sub(r"\1", line)
        line = _MD_STRONG.sub(r"\2", line)
        line = _MD_EM_STAR.sub(r"\1", line)
        line = _MD_EM_UNDERSCORE.sub(r"\1", line)
        lines.append(line)
    return "\n".join(lines), title


# --------------------------------------------------------------------------- files


def iter_documents(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    encoding: str | None = None,
    max_line_chars: int = 1_000_000,
    max_file_bytes: int = 200_000_000,
) -> Iterator[Document | Problem]:
    """Yield a ``Document`` per readable article and a ``Problem`` per unreadable input.

    Folders are read recursively in sorted order, skipping hidden entries and
    files whose suffix is not one of .txt .md .markdown .html .htm .jsonl; a file
    named explicitly with another suffix is a ``Problem``. Files are read one at
    a time and JSONL archives row by row, so memory stays bounded by the largest
    file (``max_file_bytes``; JSONL files have no size limit) or row
    (``max_line_chars``).

    Args:
        paths: files and folders, read in the order given.
        encoding: force this encoding instead of detecting it per file.

    A document's ``source_path`` is the input argument's name plus the path
    inside it (``articles/a.txt``), the same from any working folder.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        shown = _display(path, path)
        trouble = _unusable(path)
        if trouble:
            yield Problem(shown, trouble)
        elif path.is_dir():
            for file, trouble in _walk(path, set()):
                if trouble:
                    yield Problem(_display(file, path), trouble)
                    continue
                key = os.path.realpath(file)
                if key not in seen:
                    seen.add(key)
                    yield from _read(file, _display(file, path), encoding, max_line_chars, max_file_bytes)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                yield Problem(shown, f"unsupported file type {path.suffix or '(no suffix)'!r}; expected one of {_ALLOWED}")
                continue
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                yield from _read(path, shown, encoding, max_line_chars, max_file_bytes)
        elif path.exists():
            yield Problem(shown, "not a regular file or folder")
        else:
            yield Problem(shown, "no such file or folder")


def _unusable(path: Path) -> str | None:
    """Why ``path`` cannot be read at all (a symbolic link loop, a broken link, no permission), else None."""
    try:
        os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop (the link points back to itself through other links)"
        if e.errno == errno.ENOENT and os.path.islink(path):
            return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
        if e.errno == errno.ENOENT:
            return None  # reported as "no such file or folder" by the caller
        return f"cannot read: {e.strerror or e}"
    return None


def _walk(folder: Path, active: set[str]) -> Iterator[tuple[Path, str | None]]:
    """Yield ``(file, None)`` for the accepted files under ``folder``, depth first, sorted by
    name, skipping hidden ones, and ``(path, reason)`` for what cannot be read: a folder
    without permission, a symbolic link loop, a broken link with an accepted suffix."""
    real = os.path.realpath(folder)
    if real in active:  # a symlink back up the tree
        return
    active = active | {real}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as e:
        yield folder, f"cannot read folder: {e.strerror or e}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        accepted = path.suffix.lower() in SUFFIXES
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as e:
            yield path, _unusable(path) or f"cannot read: {e.strerror or e}"
            continue
        if is_dir:
            yield from _walk(path, active)
        elif is_file and accepted:
            yield path, None
        elif entry.is_symlink() and accepted:
            yield path, _unusable(path) or "cannot read: not a regular file"


def _display(path: Path, given: Path) -> str:
    """The source path of ``path`` found under the input argument ``given``: its name plus the path inside it.

    ``kg build /data/articles`` gives ``articles/a.txt``, ``kg build ../x/a.txt``
    gives ``a.txt``: the same from any working folder and machine (the contract of
    kgo:sourcePath), with forward slashes.
    """
    root = Path(os.path.abspath(given))
    name = root.name or root.anchor.replace("\\", "/")
    if path == given:
        return _printable(name)
    inside = Path(os.path.abspath(path)).relative_to(root).as_posix()
    return _printable(f"{name}/{inside}" if name else inside)


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates,
    which no output format can hold) written as ``\\xff`` escapes.

    >>> _printable(os.fsdecode(b"a\\xff.txt"))
    'a\\\\xff.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read(
    path: Path, shown: str, encoding: str | None, max_line_chars: int, max_file_bytes: int
) -> Iterator[Document | Problem]:
    media_type = SUFFIXES[path.suffix.lower()]
    try:
        if media_type == "jsonl":
            yield from _read_jsonl(path, shown, encoding, max_line_chars)
        else:
            yield _read_file(path, shown, media_type, encoding, max_line_chars, max_file_bytes)
    except OSError as e:
        yield Problem(shown, f"cannot read: {e.strerror or e}")


def _read_file(
    path: Path, shown: str, media_type: str, encoding: str | None, max_line_chars: int, max_file_bytes: int
) -> Document | Problem:
    size = path.stat().st_size
    if size > max_file_bytes:
        return Problem(shown, f"file is {size:,} bytes, more than the limit of {max_file_bytes:,} (max_file_bytes)")
    data = path.read_bytes()
    if not data:
        return Problem(shown, "empty file: no text")
    try:
        text, _ = decode_bytes(data, encoding=encoding)
    except DecodeError as e:
        return Problem(shown, str(e), e.line)
    text = _unify_newlines(text)
    if not text.strip():
        return Problem(shown, "empty file: only whitespace")
    long_line = _first_long_line(text, max_line_chars)
    if long_line is not None:
        return Problem(shown, f"line longer than {max_line_chars:,} characters (max_line_chars)", long_line)
    title = None
    if media_type == "html":
        text, title = html_to_text(text)
        if not text.strip():
            return Problem(shown, "no text in the page outside scripts, styles and markup")
    elif media_type == "md":
        text, title = markdown_to_text(text)
        if not text.strip():
            return Problem(shown, "no text in the file outside Markdown markup")
    return Document(source_path=shown, doc_id=_printable(path.stem), text=text, title=title, media_type=media_type)


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_at(data: bytes, offset: int, encoding: str) -> int:
    """Return the 1-based line holding byte ``offset`` of ``data`` in ``encoding``."""
    if encoding in ("utf-16", "utf-32"):  # byte order from the BOM, little-endian without one
        big = data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))
        encoding += "-be" if big else "-le"
    newline = _WIDE_NEWLINES.get(encoding, b"\n")
    return data.count(newline, 0, offset) + 1


_WIDE_NEWLINES = {
    "utf-16-le": "\n".encode("utf-16-le"),
    "utf-16-be": "\n".encode("utf-16-be"),
    "utf-32-le": "\n".encode("utf-32-le"),
    "utf-32-be": "\n".encode("utf-32-be"),
}


def _first_long_line(text: str, limit: int) -> int | None:
    """Return the number of the first line longer than ``limit`` characters, if any."""
    if len(text) <= limit:
        return None
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > limit:
            return number
        if end < 0:
            return None
        start, number = end + 1, number + 1


# --------------------------------------------------------------------------- JSONL


_JSONL_REQUIRED = ("id", "text")
# JSON's \ud800 escapes can name half of a UTF-16 pair alone: no character, and no encoder takes it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSONL_OPTIONAL = ("title", "date", "source")


def _read_jsonl(path: Path, shown: str, encoding: str | None, max_line_chars: int) -> Iterator[Document | Problem]:
    """Yield one Document or Problem per non-blank row, reading one line at a time."""
    with open(path, "rb") as fh:
        sample = fh.read(_JSONL_SAMPLE_BYTES)
        if not sample.strip():
            yield Problem(shown, "empty file: no rows")
            return
        try:
            file_encoding = _codec(encoding) if encoding is not None else _detect_sample(sample)
        except DecodeError as e:
            yield Problem(shown, str(e), e.line)
            return
        fh.seek(0)
        seen: dict[str, int] = {}
        empty = True
        why = f"encoding {encoding!r} was forced" if encoding is not None else "as detected from the first rows"
        for number, line, error in _lines(fh, file_encoding, why, max_line_chars):
            if error is not None:
                empty = False
                yield Problem(shown, error, number)
                continue
            if not line.strip():
                continue
            empty = False
            yield _row(line, number, shown, seen)
        if empty:
            yield Problem(shown, "empty file: only whitespace, no rows")


def _detect_sample(sample: bytes) -> str:
    """Return the encoding of a JSONL file from its first bytes (which may end mid-character).

    JSON is UTF-8 by standard, so UTF-8 wins when most non-ASCII lines are valid
    UTF-8: a few bad rows then become Problems instead of losing the file.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = _utf16_by_nuls(sample[: len(sample) - len(sample) % 2])
    if utf16 is not None:
        return utf16
    cut = sample.rfind(b"\n")
    if cut > 0:
        sample = sample[: cut + 1]
    elif len(sample) == _JSONL_SAMPLE_BYTES:
        # One long first line: drop a possibly split last character.
        for trim in range(4):
            if _is_utf8(sample[: len(sample) - trim]):
                return "utf-8"
    wide = [line for line in sample.split(b"\n") if not line.isascii()]
    if sum(map(_is_utf8, wide)) * 2 > len(wide) or not wide:
        return "utf-8"
    return decode_bytes(sample)[1]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lines(fh: IO[bytes], encoding: str, why: str, max_line_chars: int) -> Iterator[tuple[int, str, str | None]]:
    """Yield ``(line number, text, error)`` for each line, never holding more than one line."""
    name = codecs.lookup(encoding).name
    if name.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(fh, encoding, why, max_line_chars)
        return
    if name == "utf-8":
        name = "utf-8-sig"  # JSON may start with a BOM; only the first line can have one
    # Every supported ASCII-compatible encoding uses at most 4 bytes a character,
    # and none uses byte 0x0A inside a character, so splitting bytes at \n is safe.
    limit = max_line_chars * 4 + 2
    number = 0
    while True:
        raw = fh.readline(limit)
        if not raw:
            return
        number += 1
        if len(raw) >= limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the long line without keeping it
                chunk = fh.readline(limit)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield number, "", f"line longer than {max_line_chars:,} characters (max_line_chars)"
            continue
        try:
            line = raw.decode(name if number == 1 else name.removesuffix("-sig"))
        except UnicodeDecodeError as e:
            bad = raw[e.start:e.start + 1].hex()
            yield number, "", f"not valid {_label(encoding)} ({why}): cannot decode byte 0x{bad} at byte {e.start + 1} of the line"
            continue
        except UnicodeError as e:
            yield number, "", f"not valid {_label(encoding)} ({why}): {e}"
            continue
        line = line.rstrip("\r\n")
        if len(line) > max_line_chars:
            yield number, "", f"line longer than {max_line_chars:,} characters (max_line_chars)"
            continue
        yield number, line, None


def _wide_lines(fh: IO[bytes], encoding: str, why: str, max_line_chars: int) -> Iterator[tuple[int, str, str | None]]:
    """Yield the lines of a UTF-16/32 file; a decoding error ends the file (its bytes cannot be resynchronized)."""
    reader = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="\n")
    number = 0
    try:
        while True:
            line = reader.readline(max_line_chars + 2)
            if not line:
                return
            number += 1
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.endswith("\n") and len(line) > max_line_chars:
                while line and not line.endswith("\n"):
                    line = reader.readline(max_line_chars + 2)
                yield number, "", f"line longer than {max_line_chars:,} characters (max_line_chars)"
                continue
            line = line.rstrip("\r\n")
            if len(line) > max_line_chars:
                yield number, "", f"line longer than {max_line_chars:,} characters (max_line_chars)"
                continue
            yield number, line, None
    except UnicodeError as e:
        reason = e.reason if isinstance(e, UnicodeDecodeError) else str(e)
        yield number + 1, "", f"not valid {_label(encoding)} ({why}): {reason}; rest of the file skipped"
    finally:
        reader.detach()  # the caller's ``with`` closes the file


def _row(line: str, number: int, shown: str, seen: dict[str, int]) -> Document | Problem:
    """Turn one JSONL line into a Document, or a Problem naming what is wrong with it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as e:
        return Problem(shown, f"invalid JSON: {e.msg} at column {e.colno}; each line must be one JSON object", number)
    if not isinstance(row, dict):
        return Problem(
            shown, f"row is a JSON {_json_type(row)}, expected an object with fields 'id' and 'text'", number
        )
    fields = ", ".join(row) or "none"
    for name in (*_JSONL_REQUIRED, *_JSONL_OPTIONAL):
        value = row.get(name)
        if isinstance(value, str) and _SURROGATE.search(value):
            bad = _SURROGATE.search(value).group()
            return Problem(
                shown, f"field {name!r} holds a lone surrogate ({bad.encode('unicode_escape').decode()}), "
                "which is not a character; fix the row's \\u escapes", number
            )
    missing = [name for name in _JSONL_REQUIRED if name not in row]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        return Problem(shown, f"missing field{plural} {names} (fields: {fields})", number)
    row_id = row["id"]
    if isinstance(row_id, bool) or not isinstance(row_id, (str, int)):
        return Problem(shown, f"field 'id' must be a string or an integer, not a JSON {_json_type(row_id)}", number)
    doc_id = str(row_id).strip()
    if not doc_id:
        return Problem(shown, "empty field 'id'; every row needs a non-empty id", number)
    text = row["text"]
    if not isinstance(text, str):
        return Problem(shown, f"field 'text' must be a string, not a JSON {_json_type(text)}", number)
    if not text.strip():
        return Problem(shown, f"empty field 'text' in row {doc_id!r}; every row needs article text", number)
    if doc_id in seen:
        return Problem(
            shown, f"duplicate id {doc_id!r} (first on line {seen[doc_id]}); ids must be unique in a file", number
        )
    seen[doc_id] = number
    extra: dict[str, str | None] = {}
    for name in _JSONL_OPTIONAL:
        value = row.get(name)
        if isinstance(value, (dict, list)):
            return Problem(shown, f"field {name!r} must be a string, not a JSON {_json_type(value)}", number)
        extra[name] = None if value is None else str(value)
    return Document(
        source_path=f"{shown}#{doc_id}",
        doc_id=doc_id,
        text=_unify_newlines(text.removeprefix("\ufeff")),
        media_type="jsonl",
        **extra,
    )


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
