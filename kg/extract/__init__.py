"""The extractor: one article in, its entities, posts and events out, in three stages.

``extract(article)`` is a pure function of the article (no shared mutable state), so articles can
be extracted in any order, in any process:

1. ``mentions``: every sentence's places, organizations, people, groups, money, goods and dates;
2. ``resolve``: canonical names (abbreviations, references), places and what bodies belong to, posts;
3. ``events``: who did what for whom, where, with what money and goods, and when.
"""
from __future__ import annotations

from kg.extract.events import find_events
from kg.extract.groups import group_rule
from kg.extract.mentions import find_mentions
from kg.extract.metadata import read_metadata
from kg.extract.resolve import resolve
from kg.model import Article, Extraction

STAGES = ("metadata", "mentions", "resolve", "events")


def extract(article: Article) -> Extraction:
    """Extract entities, posts, events and metadata from one normalized article."""
    meta = read_metadata(article)
    sentences = find_mentions(article, meta)
    res = resolve(article, sentences, meta)
    events = find_events(article, sentences, res, meta)
    for ev in events:
        for sh in ev.shares:
            res.add("group", sh.group)
    for sm in sentences:  # a group's surface forms, for the groups that are beneficiaries
        for g in sm.groups:
            if ("group", g.name) in res.entities:
                res.entities[("group", g.name)].surface(g.text, group_rule(g.text, g.name))
    entities = tuple(e.freeze() for _, e in sorted(res.entities.items()))
    return Extraction(article, entities, tuple(res.posts), events, meta.authors, meta.headline, meta.published,
                      meta.publisher, res.region)
