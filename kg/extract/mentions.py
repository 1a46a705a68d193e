"""Stage 1, mentions: every sentence's places, organizations, titles and people, groups, money, goods
and dates, as records with offsets into the article's normalized text.

``find_mentions(article)`` runs the finders sentence by sentence in a fixed order, because each one
must not claim what an earlier one found: names after titles block places (市政协主席吉林), people
and organizations block groups, money blocks goods.
"""
from __future__ import annotations

import re

from kg import lexicon
from kg.extract.dates import find_dates
from kg.extract.groups import find_groups
from kg.extract.metadata import Metadata, furniture
from kg.extract.orgs import find_orgs, find_place_bodies
from kg.extract.people import find_chains, find_titles, find_untitled, name_at
from kg.extract.places import find_places
from kg.extract.quantities import find_goods, find_money
from kg.extract.text import Tokens
from kg.model import Article, PersonMention, SentenceMentions
from kg.segment import tag


def skipped_paragraphs(article: Article) -> set[int]:
    """Return the paragraphs that are page furniture (navigation, footers): kept in the text, no facts."""
    pat = furniture()
    return {i for i, p in enumerate(article.text.split("\n")) if pat.search(p.strip())}


def find_mentions(article: Article, meta: Metadata) -> tuple[SentenceMentions, ...]:
    """Return the mentions of every sentence of ``article`` that is not page furniture."""
    skip = skipped_paragraphs(article)
    sentences = [s for s in article.sentences if s.paragraph not in skip]
    tokens = {s.start: Tokens(tag(s.text)) for s in sentences}
    officials = _names_after_titles(sentences, tokens)
    known = set(officials) | {a.name for a in meta.authors}
    out = []
    for sent in sentences:
        out.append(_sentence(sent, tokens[sent.start], known, meta))
    names = {p.text for sm in out for p in sm.persons} | known
    return tuple(_with_known_names(sm, names) for sm in out)


def _names_after_titles(sentences, tokens) -> set[str]:
    names = set()
    for sent in sentences:
        for t in find_titles(sent.text, sent.start):
            nm = name_at(sent.text, tokens[sent.start], t.end - sent.start)
            if nm:
                names.add(nm)
    return names


def _sentence(sent, tokens: Tokens, known: set[str], meta: Metadata) -> SentenceMentions:
    s, off = sent.text, sent.start
    named = [(m.start(), m.end()) for nm in known for m in re.finditer(re.escape(nm), s)]
    places = find_places(s, tokens, off, blocked=named)
    orgs = [o for o in find_orgs(s, tokens, off, places, blocked=named)
            if not any(p.start <= o.start and o.end < p.end for p in places)]  # 瓦厂|村: a village, no factory
    # 乡政府|和县教育局 read as 乡政府、县教育局 by the org finder: the county 和县 across that boundary is no place
    places = [p for p in places if not (s[p.start - off] in lexicon.words("list_conjunction_char")
                                        and any(p.start < o.start < p.end for o in orgs))]
    titles = find_titles(s, off, orgs)
    chains = find_chains(s, tokens, off, titles, orgs)
    persons = [p for c in chains for p in c.persons]
    taken = [(p.start - off, p.end - off) for p in persons] + [(o.start - off, o.end - off) for o in orgs] \
        + [(t.start - off, t.end - off) for t in titles]
    persons += find_untitled(s, tokens, off, taken)
    persons = _dedupe(persons)
    orgs = [o for o in orgs if not any(p.overlaps(o) for p in persons)]
    orgs += find_place_bodies(s, off, places, orgs)
    places = [p for p in places if not any(p.overlaps(x) for x in persons)]
    blocked = [(x.start - off, x.end - off) for x in persons + [o for o in orgs if o.suffix]]
    groups = find_groups(s, tokens, off, blocked + [(p.start - off, p.end - off) for p in places])
    money = find_money(s, off)
    goods = find_goods(s, tokens, off, money, blocked + [(g.start - off, g.end - off) for g in groups])
    dates = find_dates(s, off, meta.dateline_month)
    return SentenceMentions(sent, tokens.tokens, tuple(places), tuple(sorted(orgs, key=lambda o: o.start)), tuple(titles),
                            tuple(chains), tuple(persons), tuple(groups), tuple(money), tuple(goods), tuple(dates))


def _dedupe(persons):
    out, spans = [], set()
    for p in sorted(persons, key=lambda p: (p.start, -(p.end - p.start))):
        if any(p.start < b and a < p.end for a, b in spans):
            continue
        spans.add((p.start, p.end))
        out.append(p)
    return out


def _with_known_names(sm: SentenceMentions, names: set[str]) -> SentenceMentions:
    """Add bare mentions of people named elsewhere in the article (施剑表示 after 副主席施剑), and widen a
    name cut short to the longer name the article gives (路桂|常加入 after 贫困户路桂常)."""
    s, off = sm.sentence.text, sm.sentence.start
    widened = tuple(_widened(p, s, off, names) for p in sm.persons)
    if widened != sm.persons:
        from dataclasses import replace

        sm = replace(sm, persons=widened)
    extra = []
    for nm in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(nm), s):
            a, b = off + m.start(), off + m.end()
            if any(x.start < b and a < x.end for x in list(sm.persons) + extra):
                continue
            if any(o.start < b and a < o.end for o in sm.orgs) or any(g.start < b and a < g.end for g in sm.groups):
                continue
            extra.append(PersonMention("person", a, b, nm, "mention"))
    if not extra:
        return sm
    from dataclasses import replace

    places = tuple(p for p in sm.places if not any(p.overlaps(x) for x in extra))
    return replace(sm, persons=tuple(sorted(list(sm.persons) + extra, key=lambda p: p.start)), places=places)


def _widened(p: PersonMention, s: str, off: int, names: set[str]) -> PersonMention:
    nxt = s[p.end - off:p.end - off + 1]
    if nxt and p.text + nxt in names:
        return PersonMention(p.kind, p.start, p.end + 1, p.text + nxt, p.role)
    return p


def sentence_mentions(text: str) -> SentenceMentions:
    """Return the mentions of one standalone sentence (offsets into ``text``), with no article around it:
    for tests, benchmarks on sentence-level data (MSRA NER) and a look at what the finders see."""
    from kg.model import Sentence

    sent = Sentence(0, len(text), text)
    meta = Metadata(None, None, None, None, (), ())
    return _sentence(sent, Tokens(tag(text)), set(), meta)
