"""Frozen records passed between the pipeline's stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Document:
    """One input article as read from disk, before normalization.

    ``source_path`` is relative to where ``kg build`` runs (``dir/a.txt``), or
    ``file.jsonl#<id>`` for a row of a JSONL file; ``doc_id`` is the file stem or
    the row's id.
    """

    source_path: str
    doc_id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    media_type: str = "txt"  # txt | md | html | jsonl


@dataclass(frozen=True)
class Problem:
    """An input that could not be read: the file (and line), and why."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Sentence:
    """A span of the normalized text: a sentence ending in 。！？ or a photo caption."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    caption: bool = False


@dataclass(frozen=True)
class Article:
    """A normalized article: every offset the pipeline records points into ``text``."""

    doc: Document
    text: str
    content_hash: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Token:
    """A word with its part of speech and offsets in its sentence (jieba's tagging)."""

    word: str
    pos: str
    start: int
    end: int


# ------------------------------------------------------------------ extraction records
# The extractor's stages pass these along: kg/extract/mentions.py finds Mentions in each
# sentence, kg/extract/resolve.py turns them into Entities (canonical names, places) and
# Posts, kg/extract/events.py builds EventRecords; kg/rdf.py reads only these records.


@dataclass(frozen=True)
class Mention:
    """A span of the normalized text found by a mention finder: offsets (end exclusive) and surface form."""

    kind: str  # place | org | person | group | title | money | goods | date
    start: int
    end: int
    text: str

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def inside(self, other: Mention) -> bool:
        return other.start <= self.start and self.end <= other.end


@dataclass(frozen=True)
class PlaceMention(Mention):
    """An administrative place: its full name (四川 -> 四川省), level and whether the gazetteer knows it."""

    name: str = ""
    level: str | None = None
    gazetteer: bool = False


@dataclass(frozen=True)
class OrgMention(Mention):
    """An organization ending in a known suffix (总工会, 党委, 医院, 有限公司) or a place acting as a body."""

    org_kind: str = "other"  # union party government legislature cppcc medical association enterprise media other
    suffix: str = ""


@dataclass(frozen=True)
class PersonMention(Mention):
    """A personal name, with the role the text gives it."""

    role: str = "mention"  # official | author | beneficiary | donor | mention


@dataclass(frozen=True)
class TitleMention(Mention):
    """The title of a post (副主席) or a role word (区领导)."""

    role_word: bool = False


@dataclass(frozen=True)
class GroupMention(Mention):
    """A beneficiary group as the text names it (空巢老人), with the count the text gives."""

    name: str = ""
    count: int | None = None
    approximate: bool = False


@dataclass(frozen=True)
class MoneyMention(Mention):
    """An amount in yuan: a value or a range (min..max), or a minimum (不低于2000元: min only)."""

    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    approximate: bool = False
    per_person: bool = False
    purpose: str | None = None
    in_kind: bool = False  # the value of goods (价值27万元的物资), not cash


@dataclass(frozen=True)
class GoodsMention(Mention):
    """A quantity of goods: item name, quantity and unit when the text gives them."""

    name: str = ""
    quantity: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class DateMention(Mention):
    """A date (1月30日), a range (1月13日至16日: ``until`` is (1, 16)) or a start (2月21日起)."""

    year: int | None = None
    month: int = 0
    day: int = 0
    until: tuple[int, int] | None = None
    since: bool = False


@dataclass(frozen=True)
class Evidence:
    """The text a fact comes from: a sentence, or the span from the first to the last sentence of an event."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """An entity of one article after resolution: canonical name, surface forms and what is known of it.

    ``why`` names the rules that gave the canonical name (``abbreviation``, ``alias``, ``reference`` ...),
    so that a reader can see why two surface forms became one entity.
    """

    kind: str  # place | org | person | group
    name: str
    surfaces: tuple[str, ...] = ()
    mentioned: bool = True
    level: str | None = None          # places
    chain: tuple[str, ...] = ()       # places: names from the top level down, this place last
    org_kind: str | None = None       # organizations
    place: str | None = None          # organizations: the place it is in
    parent: str | None = None         # organizations: parent body; places: parent place
    why: tuple[str, ...] = ()
    within: tuple[str, ...] = ()      # places: higher places the text names it in (贵州省贞丰县), beyond its parent
    rules: tuple[tuple[str, str], ...] = ()  # (surface form, rule that resolved it to this name), sorted
    apart: bool = False               # people: kept apart by the alias table, one entity per article


@dataclass(frozen=True)
class Post:
    """One post held: person, title as written, organization (canonical names)."""

    person: str
    title: str
    org: str | None
    evidence: Evidence
    confidence: float


@dataclass(frozen=True)
class Share:
    """One beneficiary group of an event, with its count when the text gives one."""

    group: str
    count: int | None = None
    approximate: bool = False


@dataclass(frozen=True)
class EventRecord:
    """Something that happened: who acted, for whom, where, with what money and goods, and when."""

    classes: tuple[str, ...]  # Visit Donation AidDelivery Fundraising Appeal
    evidence: Evidence
    agents: tuple[str, ...] = ()
    organizers: tuple[str, ...] = ()
    place: str | None = None
    site: str | None = None
    shares: tuple[Share, ...] = ()
    money: tuple[MoneyMention, ...] = ()
    goods: tuple[GoodsMention, ...] = ()
    date: tuple[str, str | None] | None = None  # (start, end): ISO dates, or --MM-DD without a year
    status: str | None = None  # "planned"
    summary: bool = False
    confidence: float = 0.7


@dataclass(frozen=True)
class Author:
    """A byline: a reporter, correspondent, editor or photographer."""

    name: str
    role: str
    evidence: Evidence


@dataclass(frozen=True)
class Extraction:
    """Everything found in one article, before it becomes RDF."""

    article: Article
    entities: tuple[Entity, ...] = ()
    posts: tuple[Post, ...] = ()
    events: tuple[EventRecord, ...] = ()
    authors: tuple[Author, ...] = ()
    headline: str | None = None
    published: str | None = None
    publisher: str | None = None
    region: str | None = None

    def entity(self, kind: str, name: str) -> Entity | None:
        """Return the entity of this kind and canonical name, or None."""
        for e in self.entities:
            if e.kind == kind and e.name == name:
                return e
        return None


@dataclass(frozen=True)
class Chain:
    """A title chain (大兴区总工会党组书记、主席郭金江): the people it names and the posts it gives them,
    each (title, organization mention or None, level of a government head's post or None)."""

    persons: tuple[PersonMention, ...]
    held: tuple[tuple[str, OrgMention | None, str | None], ...]
    confidence: float


@dataclass(frozen=True)
class SentenceMentions:
    """Everything the mention finders found in one sentence (absolute offsets into the article's text)."""

    sentence: Sentence
    tokens: tuple[Token, ...]
    places: tuple[PlaceMention, ...] = ()
    orgs: tuple[OrgMention, ...] = ()
    titles: tuple[TitleMention, ...] = ()
    chains: tuple[Chain, ...] = ()
    persons: tuple[PersonMention, ...] = ()
    groups: tuple[GroupMention, ...] = ()
    money: tuple[MoneyMention, ...] = ()
    goods: tuple[GoodsMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
