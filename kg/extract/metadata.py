"""Article metadata: headline, date published, publisher (masthead or source line) and bylines."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import lexicon
from kg.extract.orgs import find_media
from kg.extract.people import name_at
from kg.extract.text import Tokens, fold, is_cjk
from kg.model import Article, Author, Evidence, OrgMention
from kg.segment import tag


@dataclass(frozen=True)
class Metadata:
    headline: str | None
    published: str | None
    publisher: str | None
    dateline_month: int | None
    authors: tuple[Author, ...]
    media: tuple[OrgMention, ...]


@lru_cache(maxsize=1)
def furniture() -> re.Pattern:
    """Return the pattern of page furniture: a paragraph that matches is kept in the text but yields no facts."""
    return re.compile("|".join(f"(?:{p})" for p in lexicon.lines("furniture.txt")))


def read_metadata(article: Article) -> Metadata:
    """Return what the page says about itself."""
    text = article.text
    media = tuple(m for s in article.sentences for m in find_media(s.text, s.start)
                  if m.text not in lexicon.words("self_media"))
    publisher = next((m.text for m in media if m.start < 300), None) or next((m.text for m in media), None)
    month = None
    dm = lexicon.pattern("dateline_month").search(fold(text[:300]))
    if dm:
        month = int(dm.group("m"))
    return Metadata(_headline(article), _published(article), publisher, month, _authors(article), media)


def _published(article: Article) -> str | None:
    if article.doc.date:
        d = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", fold(article.doc.date))
        if d:
            return _iso(int(d.group(1)), int(d.group(2)), int(d.group(3)))
    head = fold(article.text[:400])
    m = lexicon.pattern("pub_date").search(head)
    if m and (iso := _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
        return iso
    m = lexicon.pattern("pub_date_dmy").search(head)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _headline(article: Article) -> str | None:
    if article.doc.title:
        t = article.doc.title.strip()
        return lexicon.pattern("headline_split").split(t)[0] or t
    for line in article.text.split("\n")[:4]:
        line = lexicon.pattern("headline_prefix").sub("", line.strip())
        if 4 <= len(line) <= 40 and line[-1] not in "。！？，；" and not furniture().search(line) \
                and not lexicon.pattern("headline_not").search(line) and sum(is_cjk(c) for c in line) >= 4:
            return line
        if len(line) > 40 or line[-1:] in "。！？":
            break
    return None


def _authors(article: Article) -> tuple[Author, ...]:
    """Bylines anywhere on the page: (记者 张三), 记者张三, 作者:张三, 张三/文, (报名 张三 李四), 编辑:王五."""
    out: list[Author] = []
    reporters = lexicon.words("reporter_words")
    for sent in article.sentences:
        s = sent.text
        tokens = None
        ev = Evidence(sent.start, sent.end, s)
        for m in lexicon.pattern("byline_role").finditer(s):
            role = m.group("role")
            i = m.end()
            tokens = tokens or Tokens(tag(s))
            for name in _names_from(s, tokens, i):
                out.append(Author(name, "记者" if role in reporters and role.endswith("记者") else role, ev))
        for m in lexicon.pattern("byline_slash").finditer(s):
            name = m.group("name") or m.group("name2")
            if name[:1] in lexicon.surnames():
                out.append(Author(name, "记者", ev))
    for sent in article.sentences[-4:] + article.sentences[:3]:
        m = lexicon.pattern("byline_paren").match(sent.text)
        dateline = m is None and sent in article.sentences[:3]
        if dateline:
            m = lexicon.pattern("dateline_paren").search(sent.text)
        if not m or any(a.evidence.start == sent.start for a in out):
            continue
        for part in re.split(r"[\s、，,]+", m.group("inner")):
            if 2 <= len(part) <= 3 and part[:1] in lexicon.surnames() and part not in lexicon.words("not_names"):
                # no title written: after a dateline a reporter, else an author
                out.append(Author(part, "记者" if dateline else "作者", Evidence(sent.start, sent.end, sent.text)))
    seen, uniq = set(), []
    for a in out:
        if a.name not in seen:
            seen.add(a.name)
            uniq.append(a)
    return tuple(uniq)


def _names_from(s: str, tokens: Tokens, i: int) -> list[str]:
    """The names of a byline from offset ``i``: one, or several separated by spaces or 、 (陈军 边富良)."""
    names = []
    while i < len(s):
        while i < len(s) and s[i] in " 　":
            i += 1
        name = name_at(s, tokens, i)
        if name is None:
            chunk = s[i:i + 3]
            if len(chunk) >= 2 and chunk[:1] in lexicon.surnames() and all(is_cjk(c) for c in chunk[:2]):
                name = chunk if len(chunk) == 3 and is_cjk(chunk[2]) and chunk[2] not in lexicon.words("name_stop_char") else chunk[:2]
            else:
                break
        if s[i + len(name):i + len(name) + 1] in (":", "：") or name in lexicon.words("not_names"):
            break  # the label of the next field (来源:, 时间:), not a name
        names.append(name)
        i += len(name)
        if i < len(s) and s[i] in " 、":
            j = i + 1
            while j < len(s) and s[j] == " ":
                j += 1
            if any(s.startswith(w, j) for w in lexicon.words("reporter_words") | lexicon.words("editor_words")):
                break
            i = j
            continue
        break
    return names
