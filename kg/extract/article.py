"""Extract one article: mentions sentence by sentence, then people, events and metadata.

``extract(article)`` is a pure function of the article: no shared mutable state, so
articles can be extracted in any order, in any process.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg import gazetteer, lexicon
from kg.extract.common import Span, attrs, fold
from kg.extract.mentions import (
    BARE_UNITS,
    GENERIC_ORGS,
    GOV_HEAD_TITLES,
    LEVEL_RANK,
    SPEECH_VERBS,
    find_orgs,
    find_places,
    find_titles,
    name_at,
    org_kind,
)
from kg.extract.quantities import find_dates, find_goods, find_groups, find_money
from kg.lexicon import DATA
from kg.model import Article, Sentence
from kg.segment import tag

SUBJECT_BREAK = re.compile(r"(为|向|给|对|帮助|慰问|走访|看望|探望|到|来到|走进|深入|发放|送去|送上)")
SITE_BEFORE = ("到", "来到", "走进", "在", "送到了", "送到", "深入", "走访", "赴", "前往")
COUNTY_LEVEL = {"县": "county", "旗": "county", "市": "city", "区": "district"}
CONTINUES = re.compile(r"^(此次|本次|这次|该次|活动中|慰问中|走访中|其间|期间|随后|当天|当日|其中)")
PLANNED = re.compile(r"(下一步|今后|将继续|将陆续|将要|计划|拟)")
SUMMARY = re.compile(r"(全年|累计|共慰问|共走访|从\d{4}年至|历年|以来)")


@lru_cache(maxsize=1)
def _furniture():
    pats = [l.strip() for l in (DATA / "furniture.txt").read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in pats))


@lru_cache(maxsize=1)
def _trigger_re():
    return re.compile(lexicon.alternation(lexicon.triggers()))


@dataclass
class Entity:
    """An entity of one article: canonical name, kind, surface forms and attributes."""

    kind: str
    name: str
    surfaces: set = field(default_factory=set)
    level: str | None = None          # places
    chain: tuple = ()                 # places: names from the top down
    org_kind: str | None = None       # organizations
    place: str | None = None          # organizations: canonical name of the place it is in
    parent: str | None = None         # organizations: parent organization; places: parent place
    mentioned: bool = True


@dataclass
class Post:
    person: str
    title: str
    org: str
    sentence: Sentence
    confidence: float


@dataclass
class EventRec:
    classes: list
    sentence: Sentence
    last: Sentence
    agents: list = field(default_factory=list)
    organizers: list = field(default_factory=list)
    place: str | None = None
    site: str | None = None
    groups: list = field(default_factory=list)       # (canonical, count or None)
    money: list = field(default_factory=list)        # Span
    goods: list = field(default_factory=list)        # Span
    date: tuple | None = None                        # (start, end) ISO or --MM-DD strings
    planned: bool = False
    summary: bool = False
    confidence: float = 0.7


@dataclass
class Extraction:
    """Everything found in one article, before it becomes RDF."""

    article: Article
    entities: dict = field(default_factory=dict)   # (kind, name) -> Entity
    posts: list = field(default_factory=list)
    events: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    headline: str | None = None
    published: str | None = None
    publisher: str | None = None
    region: str | None = None

    def add(self, kind: str, name: str, surface: str | None = None, **kw) -> Entity:
        key = (kind, name)
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = Entity(kind, name, **kw)
        else:
            for k, v in kw.items():
                if k == "mentioned":
                    ent.mentioned = ent.mentioned or v
                elif v is not None and getattr(ent, k) in (None, ()):
                    setattr(ent, k, v)
        if surface and surface != name:
            ent.surfaces.add(surface)
        return ent


# ------------------------------------------------------------------ metadata
_PUBDATE = re.compile(r"(?:时间|日期|发布日期|发布时间|发表时间)?[:：\s]*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_REPORTER = re.compile(r"(?:本报|本网|晚报|特约|实习)?(记者|通讯员|作者[:：]|拟稿人[:：]|文/|图/)\s*")
_PUBLISHER = re.compile(r"《([\u4e00-\u9fff]{2,8}(?:日报|晚报|报|周刊))》|^([\u4e00-\u9fff]{2,6}(?:日报|晚报))\s|([\u4e00-\u9fff]{2,4}网)讯")


def _metadata(ex: Extraction, sentences_by_para) -> None:
    art = ex.article
    text = art.text
    head = text[:400]
    m = _PUBDATE.search(fold(head))
    if art.doc.date:
        d = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", fold(art.doc.date))
        if d:
            ex.published = f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    if ex.published is None and m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            ex.published = f"{y:04d}-{mo:02d}-{d:02d}"
    pm = _PUBLISHER.search(text[:200])  # a masthead or source line at the top, not a paper cited in the story
    if pm:
        ex.publisher = next(g for g in pm.groups() if g)
    if art.doc.title:
        # page titles carry the site's name: 朝阳区总工会走访慰问困难职工_工会动态
        ex.headline = re.split(r"\s*[_|｜]\s*|\s+[-－–—]\s+", art.doc.title.strip())[0] or art.doc.title.strip()
    else:
        first = text.split("\n", 1)[0].strip()
        if 4 <= len(first) <= 40 and first[-1] not in "。！？，" and not _furniture().search(first):
            ex.headline = first


def _authors(ex: Extraction, tokens_of) -> list[tuple[str, str, Sentence]]:
    """Find reporters and other bylines: (name, role, sentence)."""
    out = []
    for sent in ex.article.sentences:
        s = sent.text
        for m in _REPORTER.finditer(s):
            role = m.group(1).rstrip(":：/")
            i = m.end()
            tokens = tokens_of(sent)
            name = name_at(s, tokens, i)
            if name is None:
                chunk = s[i:i + 3]
                if len(chunk) >= 2 and chunk[:1] in lexicon.surnames():
                    name = chunk if len(chunk) == 3 and chunk[2] not in "通/ )）时" else chunk[:2]
                else:
                    continue
            role = {"文": "记者", "图": "摄影", "作者": "作者", "拟稿人": "拟稿人"}.get(role, role)
            out.append((name, role, sent))
        for m in re.finditer(r"([\u4e00-\u9fff]{2,3})/(文|图)", s):
            if m.group(1)[:1] in lexicon.surnames():
                out.append((m.group(1), "记者" if m.group(2) == "文" else "摄影", sent))
    # a closing byline in parentheses: (义桥煤矿 徐东宁)
    tail = ex.article.sentences[-3:] if ex.article.sentences else ()
    for sent in tail:
        m = re.fullmatch(r"[（(]([\u4e00-\u9fff]{4,15})[)）]", sent.text)
        if not m:
            continue
        inner = m.group(1)
        for k in (3, 2):
            name, prefix = inner[-k:], inner[:-k]
            if name[:1] in lexicon.surnames() and any(prefix.endswith(suf) for suf in lexicon.org_suffixes()):
                out.append((name, "通讯员", sent))
                break
    seen, uniq = set(), []
    for name, role, sent in out:
        if name not in seen:
            seen.add(name)
            uniq.append((name, role, sent))
    return uniq


# ------------------------------------------------------------------ resolution context
class Context:
    """Places and organizations known so far in the article, to expand abbreviations (区总工会 -> 大兴区总工会)."""

    def __init__(self, region_chain: tuple[str, ...], levels: dict[str, str]):
        self.region_chain = region_chain
        self.levels = levels
        self.recent: dict[str, str] = {}  # level group -> latest place name

    def level_place(self, ch: str) -> str | None:
        want = {"区": ("district", "county"), "县": ("county", "district"), "市": ("city", "municipality"),
                "省": ("province",), "旗": ("county",), "州": ("city",),
                "镇": ("town",), "乡": ("township",), "街道": ("subdistrict",)}.get(ch)
        if not want:
            return None
        if ch in ("镇", "乡", "街道"):
            return self.recent.get(want[0])
        for name in reversed(self.region_chain):
            if self.levels.get(name) in want:
                return name
        for lvl in want:
            if lvl in self.recent:
                return self.recent[lvl]
        return None

    def see(self, place: Span) -> None:
        self.recent[place.get("level")] = place.name


def _expand_org(name: str, ctx: Context, places_in: list[Span]) -> tuple[str, str | None]:
    """Return (canonical name, place name) of an organization mention."""
    for prefix in ("街道", "区", "市", "县", "镇", "乡", "省"):
        if name.startswith(prefix) and len(name) > len(prefix) and not any(p.text == name[:len(p.text)] for p in places_in):
            place = ctx.level_place(prefix)
            if place:
                return _tidy(place + name[len(prefix):]), place
            return name, None
    place = None
    if places_in:
        best = max(places_in, key=lambda p: (LEVEL_RANK.get(p.get("level"), 0), p.end))
        place = best.name
        # drop higher levels written before the lowest one: 北京市大兴区总工会 -> 大兴区总工会
        lowest_text = best.text
        idx = name.find(lowest_text)
        if idx > 0 and not name.startswith("政协"):
            higher = [q for q in places_in if q is not best]
            if all(q.text in name[:idx] for q in higher) and sum(len(q.text) for q in higher) == idx:
                name = name[idx:]
        if lowest_text != best.name and name.startswith(lowest_text) and best.name.startswith(lowest_text):
            name = best.name + name[len(lowest_text):]  # 四川 -> 四川省 only for whole names
    return _tidy(name), place


def _tidy(name: str) -> str:
    """Drop a doubled level character: 大兴区区委 -> 大兴区委."""
    return re.sub(r"([区市县])\1委", r"\1委", name)


# ------------------------------------------------------------------ the article
def extract(article: Article) -> Extraction:
    """Extract entities, posts, events and metadata from one normalized article."""
    ex = Extraction(article)
    text = article.text
    furniture = _furniture()
    paras: dict[int, list[Sentence]] = {}
    for s in article.sentences:
        paras.setdefault(s.paragraph, []).append(s)
    para_text = text.split("\n")
    skip_para = {i for i, p in enumerate(para_text) if furniture.search(p.strip())}
    _metadata(ex, paras)

    token_cache: dict[int, tuple] = {}

    def tokens_of(sent: Sentence):
        if sent.start not in token_cache:
            token_cache[sent.start] = tag(sent.text)
        return token_cache[sent.start]

    # pass 1: places, to find the region
    sent_places: dict[int, list[Span]] = {}
    counts: Counter = Counter()
    levels: dict[str, str] = {}
    for sent in article.sentences:
        if sent.paragraph in skip_para:
            continue
        ps = find_places(sent.text, tokens_of(sent), sent.start)
        sent_places[sent.start] = ps
        for p in ps:
            levels[p.name] = p.get("level")
            if p.get("gaz") or p.get("level") in ("county", "district", "city"):
                counts[p.name] += 1
    region_chain = _region(counts, sent_places)
    for name in region_chain:
        levels.setdefault(name, gazetteer.lookup(name)[0].level if gazetteer.lookup(name) else COUNTY_LEVEL.get(name[-1:]))
    ex.region = region_chain[-1] if region_chain else None
    ctx = Context(region_chain, levels)
    gaz_chain = {}
    for name in set(levels):
        gaz_chain[name] = _place_chain(name, counts, region_chain)

    people_seen: dict[str, str] = {}
    para_actor: dict[int, tuple] = {}
    para_date: dict[int, tuple] = {}
    authors = _authors(ex, tokens_of)
    author_names = {a[0] for a in authors}
    for name in author_names:
        people_seen.setdefault(name, "author")
    for sent in article.sentences:  # names after titles anywhere in the article block places (市政协主席吉林)
        if sent.paragraph not in skip_para:
            for a, b, w in find_titles(sent.text, [], sent.start):
                nm = name_at(sent.text, tokens_of(sent), b)
                if nm:
                    people_seen.setdefault(nm, "official")
    beneficiary_people: set[str] = set()

    for sent in article.sentences:
        if sent.paragraph in skip_para:
            continue
        s = sent.text
        tokens = tokens_of(sent)
        places = sent_places.get(sent.start, [])
        # people first, because a name may look like a place (吉林)
        for p in places:
            ctx.see(p)  # 镇总工会 after 东湖镇 in the same sentence is 东湖镇总工会
        orgs_raw = find_orgs(s, tokens, sent.start, places, [])
        titles = find_titles(s, orgs_raw, sent.start)
        persons, posts = _people(s, tokens, sent, orgs_raw, titles, ctx, places)
        known = [(m.start(), m.end()) for nm in people_seen for m in re.finditer(re.escape(nm), s)]
        places = [p for p in places if not any(a <= p.start - sent.start < b for _, a, b, _ in persons)
                  and not any(a <= p.start - sent.start < b for a, b in known)]
        prev_place = None
        for p in places:
            ctx.see(p)
            parent = None
            if prev_place is not None and prev_place.end == p.start and \
                    LEVEL_RANK.get(prev_place.get("level"), 9) < LEVEL_RANK.get(p.get("level"), 0):
                parent = prev_place.name  # adjacency: 榆垡镇曹辛庄村
            elif not p.get("gaz") and region_chain and \
                    LEVEL_RANK.get(levels.get(region_chain[-1]), 9) < LEVEL_RANK.get(p.get("level"), 0):
                parent = region_chain[-1]
            _add_place(ex, p, gaz_chain, region_chain, parent)
            prev_place = p
        orgs = []
        for o in orgs_raw:
            if any(a < o.end - sent.start and o.start - sent.start < b for _, a, b, _ in persons):
                continue
            canon = _org_name(o, s, sent, orgs_raw, ctx, places)
            if canon is None:
                continue
            orgs.append((o, canon))
            _add_org(ex, o, canon, ctx, places, region_chain)
        for name, a, b, role in persons:
            ex.add("person", name)
            people_seen[name] = role
        for p in posts:
            ex.posts.append(p)
        # bare mentions of people already known (施剑表示)
        for name in list(people_seen):
            for m in re.finditer(re.escape(name), s):
                if not any(a <= m.start() < b for _, a, b, _ in persons):
                    persons.append((name, m.start(), m.end(), "mention"))
        # people named after a group word: 困难职工王宝珠
        blocked = [(o.start - sent.start, o.end - sent.start) for o, _ in orgs] + [(a, b) for _, a, b, _ in persons]
        groups = find_groups(s, sent.start, blocked)
        for gi, g in enumerate(groups):
            i = g.end - sent.start
            if i < len(s) and s[i] in "”\"":
                i += 1
            nm = name_at(s, tokens, i)
            if nm and people_seen.get(nm) not in ("official", "author"):
                ex.add("person", nm)
                people_seen[nm] = "beneficiary"
                beneficiary_people.add(nm)
                if g.get("count") is None:  # 困难职工王某: one named person of the group
                    groups[gi] = replace(g, attrs=attrs(count=1))
        money = find_money(s, sent.start)
        goods = find_goods(s, sent.start, money)
        dates = find_dates(s, sent.start)
        # events: one per clause with a trigger; a headline only names what the body tells
        is_headline = sent.caption and ex.headline is not None and s.strip() == ex.headline.strip()
        for clause_start, clause in () if is_headline else _clauses(s):
            ev = _event(ex, sent, clause_start, clause, persons, orgs, places, groups, money, goods, dates,
                        ctx, people_seen, beneficiary_people | author_names, para_actor, para_date)
            if ev is not None:
                ex.events.append(ev)
    for g_name in {g for ev in ex.events for g, _ in ev.groups}:
        ex.add("group", g_name)
    _attach_authors(ex, authors)
    return ex


def _region(counts: Counter, sent_places) -> tuple[str, ...]:
    """Return the chain of the area the article is about: the county-level-or-above place named most."""
    if not counts:
        return ()
    def level(name):
        found = gazetteer.lookup(name)
        return found[0].level if found else COUNTY_LEVEL.get(name[-1:], "county")

    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -LEVEL_RANK.get(level(kv[0]), 0), kv[0]))
    best = ranked[0][0]
    return _place_chain(best, counts, ()) or (best,)


def _place_chain(name: str, counts: Counter, region_chain: tuple[str, ...]) -> tuple[str, ...]:
    """Return the administrative chain of a gazetteer place, when the text or uniqueness settles it."""
    cands = gazetteer.lookup(name)
    if not cands:
        return ()
    if len(cands) == 1:
        return cands[0].chain
    named = [c for c in cands if any(p in counts or p in region_chain for p in c.parents)]
    if len(named) == 1:
        return named[0].chain
    return (name,)


def _add_place(ex: Extraction, p: Span, gaz_chain, region_chain, parent: str | None = None) -> None:
    level = p.get("level")
    if p.get("gaz"):
        chain = gaz_chain.get(p.name) or (p.name,)
        ex.add("place", p.name, p.text, level=level, chain=chain, mentioned=True)
        for i, up in enumerate(chain[:-1]):
            ex.add("place", up, level=gazetteer.lookup(up)[0].level if gazetteer.lookup(up) else None,
                   chain=chain[: i + 1], mentioned=False)
        return
    ent = ex.add("place", p.name, p.text, level=level, mentioned=True)
    if parent and ent.parent is None or parent and ent.parent == (region_chain[-1] if region_chain else None):
        ent.parent = parent
    if ent.parent and ("place", ent.parent) not in ex.entities:
        ex.add("place", ent.parent, level=gazetteer.lookup(ent.parent)[0].level if gazetteer.lookup(ent.parent) else None,
               chain=gaz_chain.get(ent.parent, ()), mentioned=False)


def _org_name(o: Span, s: str, sent: Sentence, orgs_raw, ctx: Context, places) -> str | None:
    name = o.text
    local = o.start - sent.start
    if name in BARE_UNITS:
        # 义桥煤矿工会、团委 / 公交集团党委常委、工会主席: the owner is the organization before
        prev = [x for x in orgs_raw if x.end <= o.start and x.text not in BARE_UNITS]
        if not prev or not re.search(r"、$|常委、$|[书记主席委员]、$", s[:local]) and s[local - 1:local] != "、":
            return None
        owner = prev[-1].text
        for suf in sorted(BARE_UNITS, key=len, reverse=True):
            if owner.endswith(suf) and len(owner) > len(suf):
                owner = owner[: -len(suf)]
                break
        inner = [p for p in places if p.start >= prev[-1].start and p.end <= prev[-1].end]
        base, _ = _expand_org(owner, ctx, inner)
        return base + name
    if name in ("村两委", "村委会", "居委会", "社区党支部", "社区居委会") and name == o.text:
        level = "village" if name.startswith("村") else "community"
        place = ctx.recent.get(level) or (ctx.recent.get("community") if level == "village" else None)
        return place + name[1:] if place and name.startswith("村") else (place + name[2:] if place else None)
    if name in GENERIC_ORGS or len(name) < 2:
        return None
    inner = [p for p in places if p.start >= o.start and p.end <= o.end]
    canon, _ = _expand_org(name, ctx, inner)
    if canon in GENERIC_ORGS:
        return None
    return canon


def _add_org(ex: Extraction, o: Span, canon: str, ctx: Context, places, region_chain) -> None:
    inner = [p for p in places if p.start >= o.start and p.end <= o.end]
    _, place = _expand_org(o.text, ctx, inner)
    kind = org_kind(canon)
    parent = None
    for unit in ("工会", "党委", "团委", "女工委", "党支部", "党总支", "总工会"):
        if canon.endswith(unit) and len(canon) > len(unit) + 1:
            stem = canon[: -len(unit)]
            if org_kind(stem) != "other" or stem.endswith(("集团", "公司", "煤矿", "局", "委", "医院", "编办")):
                parent = stem
                if stem not in GENERIC_ORGS:
                    ex.add("org", stem, org_kind=org_kind(stem), place=place, mentioned=True)
            break
    ex.add("org", canon, o.text, org_kind=kind, place=place, parent=parent)


def _people(s, tokens, sent, orgs_raw, titles, ctx: Context, places):
    """Read title chains: ORG TITLE(、ORG? TITLE)* NAME(、NAME)*; return persons and posts."""
    persons, posts = [], []
    title_at = {a: (a, b, w) for a, b, w in titles}
    org_end = {}
    for o in orgs_raw:
        org_end[o.end - sent.start] = o
    roles = lexicon.roles()
    prev_chain_org = None
    for a, b, w in titles:
        name = name_at(s, tokens, b)
        if name is None:
            continue
        names = [(name, b, b + len(name))]
        j = b + len(name)
        while j < len(s) and s[j] == "、":
            nxt = name_at(s, tokens, j + 1)
            if nxt is None or (j + 1) in title_at or any(t[0] == j + 1 for t in titles):
                break
            after = s[j + 1 + len(nxt): j + 3 + len(nxt)]
            if after[:1] not in ("、", "，", "一", "等", ",", "。", "及", "和", "") and not after.startswith(SPEECH_VERBS):
                break
            names.append((nxt, j + 1, j + 1 + len(nxt)))
            j = j + 1 + len(nxt)
        # walk back along the chain: a segment before 、 or ， that ends in a title (not a name) is the same person's
        chain = [(a, b, w)]
        k = a
        while True:
            o = org_end.get(k)
            if o is not None:
                k = o.start - sent.start
            prev = [t for t in titles if t[1] == k - 1] if k > 0 and s[k - 1] in "、，," else []
            if not prev:
                break
            chain.insert(0, prev[0])
            k = prev[0][0]
        held = []
        last_org = None
        first = chain[0][0]
        if org_end.get(first) is None and persons and s[first - 1:first] in ("和", "及", "与") \
                and persons[-1][2] == first - 1 and prev_chain_org:
            last_org = prev_chain_org  # 党工委书记张某和副书记李某: the second post is at the same body
            inherited_org = True
        else:
            inherited_org = False
        for ta, tb, tw in chain:
            o = org_end.get(ta)
            if o is not None:
                oname = _org_name(o, s, sent, orgs_raw, ctx, places)
                if oname:
                    last_org = oname
            if tw in roles:
                continue
            org_name = last_org
            if tw in GOV_HEAD_TITLES:
                place = ctx.level_place(GOV_HEAD_TITLES[tw])
                org_name = f"{place}人民政府" if place else None
            if org_name:
                held.append((tw, org_name))
            if inherited_org:
                last_org = None  # only the first title is known to be at the inherited body
        prev_chain_org = held[0][1] if held else None
        for nm, na, nb in names:
            persons.append((nm, na, nb, "official"))
            for tw, org_name in held:
                posts.append(Post(nm, tw, org_name, sent, 0.9 if len(chain) == 1 else 0.85))
    # ORG NAME TITLE: 大北街社区党支部王宗梅书记
    for o in orgs_raw:
        i = o.end - sent.start
        nm = name_at(s, tokens, i)
        if nm:
            t = title_at.get(i + len(nm))
            if t and not any(p[0] == nm for p in persons):
                oname = _org_name(o, s, sent, orgs_raw, ctx, places)
                persons.append((nm, i, i + len(nm), "official"))
                if oname:
                    posts.append(Post(nm, t[2], oname, sent, 0.8))
    return persons, posts


def _clauses(s: str):
    """Split a sentence into clauses at ；;, keeping local offsets."""
    pos = 0
    for part in re.split(r"(?<=[；;])", s):
        if part:
            yield pos, part
            pos += len(part)


def _event(ex, sent, c0, clause, persons, orgs, places, groups, money, goods, dates, ctx,
           people_seen, not_agents, para_actor, para_date):
    s = sent.text
    c1 = c0 + len(clause)
    trig = list(_trigger_re().finditer(clause))
    if not trig and ex.events and ex.events[-1].sentence is sent:
        last = ex.events[-1]  # a list of groups running on after ；
        for g in groups:
            if c0 <= g.start - sent.start < c1 and g.name not in [x[0] for x in last.groups]:
                last.groups.append((g.name, g.get("count")))
    if not trig:
        # remember the subject organization of the story (天桥街道总工会正式启动…活动)
        subj = [canon for o, canon in orgs if c0 <= o.start - sent.start < c1 and o.start - sent.start - c0 < 25
                and not any(o2 is not o and o2.start <= o.start and o.end <= o2.end for o2, _ in orgs)
                and not (o.start > sent.start and s[o.start - sent.start - 1] in "“\"")]
        if subj and "article" not in para_actor and not sent.caption:
            para_actor["article"] = ((), tuple(subj[:1]))
        return None
    classes = []
    for m in trig:
        cls = lexicon.triggers()[m.group(0)]
        if cls not in classes:
            classes.append(cls)
    first_trig = c0 + trig[0].start()
    inside = lambda sp: c0 <= sp.start - sent.start < c1
    cl_groups = [g for g in groups if inside(g)]
    cl_money = [m for m in money if inside(m)]
    cl_goods = [g for g in goods if inside(g)]
    agents = []
    for name, a, b, role in sorted(persons, key=lambda p: p[1]):
        if c0 <= a < c1 and name not in not_agents and name not in agents and people_seen.get(name) != "beneficiary":
            seg_start = max(c0, max(s.rfind(ch, 0, a) for ch in "，,；;。：:") + 1)
            if _trigger_re().search(s, seg_start, a) and seg_start > c0:
                continue  # the object of a visit in the same phrase (…走访慰问…技术总监NAME)
            agents.append(name)
    organizers = []
    site = None
    chain_orgs = {p.org for p in ex.posts if p.sentence is sent and p.person in agents}
    for o, canon in orgs:
        a = o.start - sent.start
        if not (c0 <= a < c1):
            continue
        before = s[max(0, a - 3):a]
        if any(before.endswith(w) for w in SITE_BEFORE) and org_kind(canon) not in ("union", "party", "legislature", "cppcc"):
            site = site or canon
            continue
        if any(p.org == canon and p.sentence is sent for p in ex.posts):
            continue  # the organization of a post is not itself an actor
        if any(o2 is not o and o2.start <= o.start and o.end <= o2.end for o2, _ in orgs) or (a > 0 and s[a - 1] in "“\"「"):
            continue  # an organization inside another one's name, or a quoted name (a platform, a campaign)
        seg_start = max(s.rfind(ch, 0, a) for ch in "，,；;。：:") + 1
        lead = s[max(seg_start, c0):a]
        if re.search(r"(由|来自)$", lead) or (a < first_trig and not re.search(r"(为|向|给|对|到|帮助|在|来到|走进|关于|贯彻)", lead)):
            organizers.append(canon)
    for org in sorted(chain_orgs):
        if org_kind(org) == "union" and org not in organizers:
            organizers.append(org)
    if len(agents) == 1 and f"{agents[0]}一行" in clause:
        for prev_ev in reversed(ex.events):
            if agents[0] in prev_ev.agents and len(prev_ev.agents) > 1:
                agents = list(prev_ev.agents)  # 阎立一行: the delegation named with 阎立 before
                break
    inherited = False
    if not agents and not organizers:
        prev = para_actor.get(sent.paragraph)
        if prev is None and not sent.caption and CONTINUES.match(clause):
            prev = para_actor.get(sent.paragraph - 1)  # 此次慰问活动…: the same activity goes on
        if prev:
            agents, organizers = list(prev[0]), list(prev[1])
            inherited = True
        elif para_actor.get("article"):
            organizers = list(para_actor["article"][1])
            inherited = bool(organizers)
    if not (cl_groups or cl_money or cl_goods or (agents or organizers) and site):
        if agents and not inherited and ex.events and ex.events[-1].sentence.paragraph >= sent.paragraph - 1 \
                and not ex.events[-1].agents and re.search(r"(参加|参与|陪同|一同|一起)", clause):
            ex.events[-1].agents.extend(a for a in agents if a not in ex.events[-1].agents)  # X等参加慰问活动
        if (agents or organizers) and not inherited:
            para_actor[sent.paragraph] = (tuple(agents), tuple(organizers))
            para_actor["article"] = (tuple(agents), tuple(organizers))
        return None
    if not inherited and (agents or organizers):
        para_actor[sent.paragraph] = (tuple(agents), tuple(organizers))
        para_actor["article"] = (tuple(agents), tuple(organizers))
    # place: the most specific place of the clause not inside an organization name, else of any, else paragraph/region
    cl_places = [p for p in places if inside(p)]
    free = [p for p in cl_places if not any(o.start <= p.start and p.end <= o.end for o, _ in orgs)]
    pick = free or cl_places
    place = None
    if pick:
        place = max(pick, key=lambda p: (LEVEL_RANK.get(p.get("level"), 0), p.start)).name
    elif site and ex.entities.get(("org", site)) and ex.entities[("org", site)].place:
        place = ex.entities[("org", site)].place
    elif any(ex.entities.get(("org", o)) and ex.entities[("org", o)].place for o in organizers):
        cands = [ex.entities[("org", o)].place for o in organizers
                 if ex.entities.get(("org", o)) and ex.entities[("org", o)].place]
        place = max(cands, key=lambda n: LEVEL_RANK.get(ex.entities[("place", n)].level if ("place", n) in ex.entities else None, 0))
    else:
        place = ctx.region_chain[-1] if ctx.region_chain else None
    ev_dates = [d for d in dates if c0 <= d.start - sent.start < c1] or [d for d in dates]
    date = None
    if ev_dates:
        date = _date_value(ev_dates[0], ex.published)
        para_date[sent.paragraph] = date
    elif sent.paragraph in para_date:
        date = para_date[sent.paragraph]
    elif re.search(r"昨天|昨日", clause) and ex.published:
        import datetime as _dt
        d = _dt.date.fromisoformat(ex.published) - _dt.timedelta(days=1)
        date = (d.isoformat(), None)
    gl = []
    for g in cl_groups:
        if not any(x[0] == g.name for x in gl):
            gl.append((g.name, g.get("count")))
        elif g.get("count") is not None:
            gl = [(n, c if n != g.name or c is not None else g.get("count")) for n, c in gl]
    ev = EventRec(classes, sent, sent, agents, organizers, place, site, gl, cl_money, cl_goods, date,
                  planned=bool(PLANNED.search(clause)), summary=bool(SUMMARY.search(clause)),
                  confidence=0.6 if inherited else 0.75)
    return ev


def _date_value(d: Span, published: str | None):
    y = d.get("year")
    if y is None and published:
        py, pm = int(published[:4]), int(published[5:7])
        y = py - 1 if d.get("month") > pm + 1 else py

    def fmt(mo, dd):
        return f"{y:04d}-{mo:02d}-{dd:02d}" if y else f"--{mo:02d}-{dd:02d}"

    start = fmt(d.get("month"), d.get("day"))
    end = fmt(*d.get("end")) if d.get("end") else None
    return (start, end)


def _attach_authors(ex: Extraction, authors) -> None:
    if ex.publisher:
        ex.add("org", ex.publisher, org_kind="media")
    for name, role, sent in authors:
        ex.add("person", name)
        ex.authors.append((name, role, sent))
        if ex.publisher and role == "记者":
            ex.posts.append(Post(name, "记者", ex.publisher, sent, 0.8))
