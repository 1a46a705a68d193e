"""The extractor: one article in, its entities, posts and events out, in three stages.

``extract(article)`` is a pure function of the article (no shared mutable state), so articles can
be extracted in any order, in any process:

1. ``mentions``: every sentence's places, organizations, people, groups, money, goods and dates;
2. ``resolve``: canonical names (abbreviations, references), places and what bodies belong to, posts;
3. ``events``: who did what for whom, where, with what money and goods, and when.
"""
from __future__ import annotations

from kg.aliases import AliasTable
from kg.extract.events import find_events
from kg.extract.groups import group_rule
from kg.extract.mentions import find_mentions
from kg.extract.metadata import read_metadata
from kg.extract.resolve import alias_groups, alias_persons, resolve
from kg.model import Article, Extraction

STAGES = ("metadata", "mentions", "resolve", "events")


def extract(article: Article, aliases: AliasTable | None = None) -> Extraction:
    """Extract entities, posts, events and metadata from one normalized article.

    ``aliases`` (kg.aliases) is a user's alias table, applied by the resolve stage after the built-in
    rules; the extraction is a pure function of (article, aliases).
    """
    meta = read_metadata(article)
    sentences = find_mentions(article, meta)
    res = resolve(article, sentences, meta, aliases)
    sentences = alias_groups(sentences, res)
    events = find_events(article, sentences, res, meta)
    events, authors = alias_persons(res, events, meta.authors)
    for ev in events:
        for sh in ev.shares:
            res.add("group", sh.group)
    for sm in sentences:  # a group's surface forms, for the groups that are beneficiaries
        for g in sm.groups:
            if ("group", g.name) in res.entities:
                aliased = ("group", g.start, g.end) in res.aliased
                res.entities[("group", g.name)].surface(g.text, "alias table" if aliased else group_rule(g.text, g.name))
    entities = tuple(e.freeze() for _, e in sorted(res.entities.items()))
    return Extraction(article, entities, tuple(res.posts), events, authors, meta.headline, meta.published,
                      meta.publisher, res.region)
