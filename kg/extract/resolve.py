"""Stage 2, resolve: mentions -> entities of the article, with canonical names and what they are part of.

Abbreviations are expanded from the article's own context: 区总工会 in an article about 大兴区 is
大兴区总工会, 镇总工会 after 瀛海镇 is 瀛海镇总工会, 该县疾控中心 after 易门县 is 易门县疾控中心, 政府 after
西陵寺镇党委、is 西陵寺镇人民政府. Every surface form stays as an altLabel; ``why`` records the rule.

A user's alias table (kg.aliases, ``kg build --aliases FILE``) is applied here, after the built-in
lexicons and rules: an organization's or place's row replaces the canonical name of each mention it
matches (``_orgs``, ``_places``), a group's row rewrites the group mentions before events are found
(``alias_groups``), and a person's row renames the person in the entities, posts, bylines and events
(``alias_persons``). The rule recorded for those surface forms is ``alias table``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kg import gazetteer, lexicon
from kg.aliases import AliasRow, AliasTable
from kg.extract.metadata import Metadata
from kg.extract.orgs import org_kind, strip_levels
from kg.extract.places import rank
from kg.model import Article, Author, Entity, EventRecord, Evidence, OrgMention, PlaceMention, Post, SentenceMentions

LEVEL_CHARS = {"区": ("district", "county"), "县": ("county", "district"), "市": ("city", "municipality"),
               "省": ("province",), "旗": ("county",), "州": ("city",), "镇": ("town",), "乡": ("township",),
               "街道": ("subdistrict",)}


@dataclass
class EntityBuilder:
    """An entity while the article is being read; frozen into a model.Entity at the end."""

    kind: str
    name: str
    surfaces: set = field(default_factory=set)
    mentioned: bool = True
    level: str | None = None
    chain: tuple = ()
    org_kind: str | None = None
    place: str | None = None
    parent: str | None = None
    why: set = field(default_factory=set)
    within: set = field(default_factory=set)
    rules: dict = field(default_factory=dict)  # surface form -> the rules that gave it this name
    apart: bool = False  # people: kept apart by the alias table (one entity per article)

    def surface(self, text: str, rule: str) -> None:
        """Record a surface form of this entity and the rule that resolved it here."""
        if text and text != self.name:
            self.surfaces.add(text)
            self.rules.setdefault(text, set()).add(rule)

    def freeze(self) -> Entity:
        surfaces = tuple(sorted(self.surfaces - {self.name}))
        fallback = self.why or {"normalized"}
        rules = tuple((s, r) for s in surfaces for r in sorted(self.rules.get(s) or fallback))
        if self.apart:
            rules = tuple(sorted(rules + ((self.name, "alias table"),)))
        return Entity(self.kind, self.name, surfaces, self.mentioned, self.level,
                      tuple(self.chain), self.org_kind, self.place, self.parent, tuple(sorted(self.why)),
                      tuple(sorted(self.within)), rules, self.apart)


@dataclass
class Resolution:
    """The entities of one article and, for every mention, the canonical name it resolved to."""

    region_chain: tuple[str, ...] = ()
    home: str | None = None  # the place named most, of any level: where events happen when nothing else says
    entities: dict = field(default_factory=dict)  # (kind, name) -> EntityBuilder
    org_of: dict = field(default_factory=dict)  # (start, end) -> canonical name, or None for a generic word
    place_of: dict = field(default_factory=dict)  # (start, end) -> canonical name
    person_role: dict = field(default_factory=dict)  # name -> official | author | beneficiary | mention
    posts: list = field(default_factory=list)
    levels: dict = field(default_factory=dict)  # place name -> level
    aliases: AliasTable | None = None  # the user's alias table, applied after the built-in rules
    aliased: set = field(default_factory=set)  # (kind, start, end) of the mentions an alias row rewrote

    def alias(self, kind: str, written: str, resolved: str | None) -> AliasRow | None:
        """The alias-table row for a mention written ``written`` that the built-in rules resolved to ``resolved``."""
        if not self.aliases:
            return None
        return self.aliases.lookup(kind, written, resolved, {*self.region_chain, self.home} - {None})

    @property
    def region(self) -> str | None:
        return self.region_chain[-1] if self.region_chain else None

    def add(self, kind: str, name: str, surface: str | None = None, why: str | None = None, **kw) -> EntityBuilder:
        key = (kind, name)
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = EntityBuilder(kind, name, **kw)
        else:
            for k, v in kw.items():
                if k == "mentioned":
                    ent.mentioned = ent.mentioned or v
                elif v is not None and getattr(ent, k) in (None, ()):
                    setattr(ent, k, v)
        if surface and surface != name:
            ent.surface(surface, why or ("full name" if kind == "place" else "normalized"))
        if why:
            ent.why.add(why)
        return ent

    def org(self, o: OrgMention) -> str | None:
        return self.org_of.get((o.start, o.end))

    def place(self, p: PlaceMention) -> str:
        return self.place_of.get((p.start, p.end), p.name)


class Context:
    """Places and organizations seen so far, to expand abbreviations (区总工会 -> 大兴区总工会)."""

    def __init__(self, res: Resolution):
        self.res = res
        self.recent: dict[str, str] = {}  # level -> latest place name
        self.recent_orgs: list[str] = []

    def level_place(self, ch: str) -> str | None:
        want = LEVEL_CHARS.get(ch)
        if not want:
            return None
        if ch in lexicon.words("local_level_suffixes"):
            return self.recent.get(want[0]) or (self.res.home if self.res.levels.get(self.res.home) == want[0] else None)
        for name in reversed(self.res.region_chain):  # 市 in an article about the county-level city 庄河市
            if name.endswith(ch) and self.res.levels.get(name) not in ("province",) or ch == "省" and self.res.levels.get(name) == "province":
                return name
        for name in reversed(self.res.region_chain):
            if self.res.levels.get(name) in want:
                return name
        for lvl in want:
            if lvl in self.recent:
                return self.recent[lvl]
        return None

    def see(self, name: str, level: str | None) -> None:
        if level:
            self.recent[level] = name


def resolve(article: Article, sentences: tuple[SentenceMentions, ...], meta: Metadata,
            aliases: AliasTable | None = None) -> Resolution:
    """Return the entities of the article: places with their chains, organizations, people and posts.

    ``aliases`` (the user's alias table) overrides the built-in rules for the mentions it names; the
    article's region, which scopes its rows, is found before it applies.
    """
    res = Resolution(aliases=aliases)
    counts = _place_counts(sentences, res)
    res.region_chain = _region(counts, res) or _publisher_region(meta)
    res.home = _home(sentences, res)
    for name in res.region_chain:
        res.levels.setdefault(name, _gaz_level(name))
    ctx = Context(res)
    for sm in sentences:
        _places(sm, res, ctx, counts)
        _orgs(sm, res, ctx)
        for p in sm.persons:
            res.add("person", p.text)
            if res.person_role.get(p.text) in (None, "mention") or p.role == "official":
                res.person_role[p.text] = p.role
        _posts(sm, res, ctx)
    _place_bodies_to_government(res)
    _government_offices(res)
    _publisher(meta, res)
    for a in meta.authors:
        res.add("person", a.name)
        if res.person_role.get(a.name) in (None, "mention"):
            res.person_role[a.name] = "author"
        if meta.publisher and a.role == "记者":
            res.posts.append(Post(a.name, "记者", meta.publisher, a.evidence, 0.8))
    return res


# ------------------------------------------------------------------ places
def _gaz_level(name: str) -> str | None:
    found = gazetteer.lookup(name)
    if found:
        return found[0].level
    return lexicon.admin_suffixes().get(name[-1:])


def _place_counts(sentences, res: Resolution) -> Counter:
    counts: Counter = Counter()
    for sm in sentences:
        for p in sm.places:
            res.levels.setdefault(p.name, p.level)
            if p.gazetteer or p.level in ("county", "district", "city"):
                counts[p.name] += 1
        for o in sm.orgs:  # 大兴区总工会 says the article is about 大兴区 as much as 大兴区 does
            for p in sm.places:
                if o.start <= p.start and p.end <= o.end and (p.gazetteer or p.level in ("county", "district", "city")):
                    counts[p.name] += 0  # already counted once as a place mention
    return counts


def _region(counts: Counter, res: Resolution) -> tuple[str, ...]:
    """The chain of the area the article is about: the county-level-or-above place named most, the lower
    level first on a tie (a district article names its city too)."""
    if not counts:
        return ()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -rank(_gaz_level(kv[0])), kv[0]))
    best = ranked[0][0]
    return _place_chain(best, counts, ()) or (best,)


def _publisher_region(meta: Metadata) -> tuple[str, ...]:
    """No place named, but the outlet is local (仙游今报, 枣庄新闻网): its county or city is the region."""
    if not meta.publisher:
        return ()
    for k in (3, 2):
        head = meta.publisher[:k]
        found = [n for n in (head + "县", head + "市", head + "区", head) if gazetteer.lookup(n)]
        if len(found) == 1 and len(gazetteer.lookup(found[0])) == 1:
            return gazetteer.lookup(found[0])[0].chain
    return ()


def _home(sentences, res: Resolution) -> str | None:
    """The place named most below the region, or the region: the default place of the article's events."""
    c: Counter = Counter()
    for sm in sentences:
        for p in sm.places:
            if not any(o.start <= p.start and p.end <= o.end for o in sm.orgs if o.suffix):
                c[p.name] += 1
    if res.region:
        c[res.region] += 0
    if not c:
        return None
    best, n = sorted(c.items(), key=lambda kv: (-kv[1], -rank(res.levels.get(kv[0])), kv[0]))[0]
    if res.region is None:
        return best if n >= 2 else None  # one village named once says nothing about the whole article
    return best if rank(res.levels.get(best)) >= rank(res.levels.get(res.region)) else res.region


def _place_chain(name: str, counts: Counter, region_chain: tuple[str, ...]) -> tuple[str, ...]:
    """The administrative chain of a gazetteer place, when the text or uniqueness settles it."""
    cands = gazetteer.lookup(name)
    if not cands:
        return ()
    if len(cands) == 1:
        return cands[0].chain
    named = [c for c in cands if any(p in counts or p in region_chain for p in c.parents)]
    if len(named) == 1:
        return named[0].chain
    return (name,)


def _places(sm: SentenceMentions, res: Resolution, ctx: Context, counts: Counter) -> None:
    prev = None
    for p in sm.places:
        if p.level == "country" and _modifier(p, sm):
            continue
        why = None
        alias = res.alias("place", p.text, p.name)
        if alias is not None:
            name = p.text if alias.split else alias.canonical
            p = replace(p, name=name, gazetteer=bool(gazetteer.lookup(name)), level=_gaz_level(name) or p.level)
            res.levels[name] = p.level
            why = "alias table"
        res.place_of[(p.start, p.end)] = p.name
        ctx.see(p.name, p.level)
        if p.gazetteer:
            chain = _place_chain(p.name, counts, res.region_chain) or (p.name,)
            ent = res.add("place", p.name, p.text, why=why, level=p.level, chain=chain, mentioned=True)
            if prev is not None and prev.end == p.start and prev.name in chain[:-2]:
                ent.within.add(prev.name)  # 贵州省贞丰县: the text names the province right before the county
            for i, up in enumerate(chain[:-1]):
                res.add("place", up, level=_gaz_level(up), chain=chain[: i + 1], mentioned=False)
        else:
            parent = None
            if prev is not None and prev.end == p.start and rank(prev.level) < rank(p.level):
                parent = prev.name  # adjacency: 榆垡镇曹辛庄村
            elif prev is not None and prev.level == p.level and sm.sentence.text[prev.end - sm.sentence.start:p.start - sm.sentence.start] \
                    in lexicon.words("place_list_joiners") and res.entities.get(("place", prev.name)) is not None:
                parent = res.entities[("place", prev.name)].parent  # 长田镇细氽村和瓦厂村: the same town
            elif res.region and rank(res.levels.get(res.region)) == 2 and rank(p.level) >= 3:
                parent = res.region  # a town of the county the article is about
            ent = res.add("place", p.name, p.text, why=why, level=p.level, mentioned=True)
            if parent and (ent.parent is None or ent.parent == res.region and parent != res.region):
                ent.parent = parent
            if ent.parent and ("place", ent.parent) not in res.entities:
                res.add("place", ent.parent, level=_gaz_level(ent.parent), mentioned=False,
                        chain=_place_chain(ent.parent, counts, res.region_chain))
        prev = p


def _modifier(p: PlaceMention, sm: SentenceMentions) -> bool:
    """A country that qualifies the noun after it (韩国归侨, "中国好人", 中国西部…促进会) is no place of the story."""
    if any(o.start <= p.start and p.end <= o.end for o in sm.orgs):
        return True
    end = p.end - sm.sentence.start  # tokens are local to the sentence
    after = next((t for t in sm.tokens if t.start == end), None)
    return after is not None and after.pos.startswith("n")


# ------------------------------------------------------------------ organizations
def _inner_places(sm: SentenceMentions, o: OrgMention) -> list[PlaceMention]:
    return [p for p in sm.places if o.start <= p.start and p.end <= o.end]


def expand_org(name: str, ctx: Context, inner: list[PlaceMention]) -> tuple[str, str | None, str | None]:
    """Return (canonical name, place it is in, rule) for an organization's surface form."""
    why = None
    m = re.match(lexicon.pattern("org_reference").pattern, name)
    if m:  # 该县疾控中心, 该商会
        rest = name[m.end():]
        if m.group("level"):
            place = ctx.level_place(m.group("level"))
            if place:
                return strip_levels(place + rest), place, "reference"
        for prev in reversed(ctx.recent_orgs):
            if rest and prev.endswith(rest):
                return prev, None, "reference"
        name = m.group("level") + rest if m.group("level") else rest
    youth = lexicon.pattern("youth_league_abbrev").fullmatch(name)
    if youth:  # 团县委 -> 团太和县委
        place = ctx.level_place(youth.group("level"))
        if place:
            return "团" + place + youth.group("tail"), place, "abbreviation"
    for prefix in ("街道", "区", "市", "县", "镇", "乡", "省", "州", "旗"):
        if any(name.startswith(w) for w in lexicon.words("level_words")):
            break  # 市政环卫服务中心: 市 starts a word here, not an abbreviation
        if name.startswith(prefix) and len(name) > len(prefix) and not any(p.text == name[:len(p.text)] for p in inner):
            place = ctx.level_place(prefix)
            if place:
                return _government(strip_levels(place + name[len(prefix):])), place, "abbreviation"
            return name, None, None
    place = None
    if inner:
        best = max(inner, key=lambda p: (rank(p.level), p.end))
        place = best.name
        idx = name.find(best.text)
        if idx > 0 and not name.startswith(tuple(r[0] for r in lexicon.table("org_prefix_kinds.tsv"))):
            higher = [q for q in inner if q is not best]
            if all(q.text in name[:idx] and rank(q.level) < rank(best.level) for q in higher) \
                    and sum(len(q.text) for q in higher) == idx:
                name = name[idx:]  # 北京市大兴区总工会 -> 大兴区总工会
                why = "higher levels dropped"
        if best.text != best.name and name.startswith(best.text) and best.name.startswith(best.text) \
                and name[len(best.text):len(best.text) + 1] in ("", *lexicon.words("level_char")):
            name = best.name + name[len(best.text):]
    return _government(strip_levels(name)), place, why


def _short_form_of(name: str, ctx: Context) -> str | None:
    """金源公司 after 河南金源公司, 祥云公司 after 福建祥云生物科技公司: the short form of a body named before."""
    suffixes = sorted(lexicon.org_suffixes(), key=len, reverse=True)
    suf = next((x for x in suffixes if name.endswith(x)), None)
    if suf is None or len(name) - len(suf) < 2:
        return None
    core = name[: -len(suf)]
    for prev in reversed(ctx.recent_orgs):
        if prev != name and prev.endswith(suf) and core in prev[: -len(suf)] and len(prev) > len(name):
            return prev
    return None


def _government(name: str) -> str:
    """X政府 -> X人民政府 (the formal name of a people's government)."""
    if name.endswith("政府") and not name.endswith("人民政府") and len(name) > 2:
        return name[:-2] + "人民政府"
    return name


def _orgs(sm: SentenceMentions, res: Resolution, ctx: Context) -> None:
    s, off = sm.sentence.text, sm.sentence.start
    prev: tuple[OrgMention, str] | None = None
    for o in sm.orgs:
        canon, place, why = _org_name(o, s, off, sm, res, ctx, prev)
        alias = res.alias("org", o.text, canon)
        if alias is not None:
            canon, why = (o.text if alias.split else alias.canonical), "alias table"
            if place and not canon.startswith(place):
                place = None  # the body is in the article's region, not the place the built-in rules gave it
        res.org_of[(o.start, o.end)] = canon
        if canon is None:
            continue
        kind = org_kind(canon) if o.org_kind != "media" else "media"
        if kind == "media" and canon.endswith(tuple(lexicon.words("news_site_suffix"))):
            place = None  # 枣庄新闻网, 昆明信息港: the place in a site's name is what it covers, not where a body sits
        if not o.suffix and o.org_kind == "government" and alias is None:  # a place acting as a body
            kind, place, why = "government", res.place_of.get((o.start, o.end), o.text), "place body"
        parent = _parent(canon, res)
        if parent and res.entities.get(("org", parent)) and res.entities[("org", parent)].org_kind == "union" \
                and kind == "other":
            kind = "union"  # a body of a union: 总工会经审办, 总工会职工服务中心
        res.add("org", canon, o.text, why=why, org_kind=kind, place=place, parent=parent)
        if why == "sibling":
            res.entities[("org", canon)].surface(canon.replace("人民政府", "政府"), "sibling")
        ctx.recent_orgs.append(canon)
        prev = (o, canon)


def _org_name(o: OrgMention, s: str, off: int, sm, res: Resolution, ctx: Context, prev):
    name = o.text
    local = o.start - off
    bare = lexicon.words("bare_units")
    if name in bare or name in ("两委",) or name in lexicon.words("party_departments"):
        return _bare_unit(o, name, s, local, sm, res, ctx, prev)
    titled = any(s.startswith(t, o.end - sm.sentence.start) for t in lexicon.titles())
    if name in lexicon.words("generic_orgs") and titled:  # 工作队队长王某: the 工作队 named before
        prev_org = next((x for x in reversed(ctx.recent_orgs) if x.endswith(name) and len(x) > len(name)), None)
        if prev_org:
            return prev_org, None, "reference"
    if name in lexicon.words("generic_orgs") or len(name) < 2:
        return None, None, None
    inner = _inner_places(sm, o)
    canon, place, why = expand_org(name, ctx, inner)
    if canon in lexicon.words("generic_orgs"):
        return None, None, None
    if not inner and why is None:
        earlier = _short_form_of(canon, ctx)
        if earlier:
            return earlier, None, "short form"
    if place is None and not o.suffix:
        place = res.place_of.get((o.start, o.end))
    return canon, place, why


def _bare_unit(o, name, s, local, sm, res: Resolution, ctx: Context, prev):
    """工会, 党委, 政府, 村两委 alone: the body of the organization or place just named, when the text says so."""
    if prev is not None:
        p_o, p_canon = prev
        gap = s[p_o.end - sm.sentence.start:local]
        if gap in ("、", "", "和", "及") or re.fullmatch(lexicon.pattern("post_gap").pattern, gap):
            owner = p_canon
            if name in lexicon.words("party_departments"):
                if org_kind(owner) != "party":
                    return None, None, None
                return owner + name, res.entities[("org", owner)].place if ("org", owner) in res.entities else None, "owner"
            if name in lexicon.words("sibling_units") and org_kind(owner) in ("party", "government"):
                base = _strip_unit(owner)  # 西陵寺镇党委、政府 -> 西陵寺镇人民政府
                if base:
                    return _government(base + name), res.entities.get(("org", owner)).place if res.entities.get(("org", owner)) else None, "sibling"
            base = _strip_unit(owner) or owner
            owner_place = res.entities[("org", owner)].place if ("org", owner) in res.entities else None
            if owner_place is None and name in ("工会", "总工会"):  # 临江县委宣传部 -> 临江县, also off the gazetteer
                m = lexicon.pattern("place_of_committee").match(owner)
                owner_place = m.group(1) if m else None
            if name in ("工会", "总工会") and org_kind(owner) in ("legislature", "government", "party", "cppcc") and owner_place:
                return owner_place + "总工会", owner_place, "owner"  # 区人大常委会副主任、工会主席: the district's union
            if org_kind(owner) in ("enterprise", "association", "other", "union", "medical") and name != "政府":
                return owner + name if not owner.endswith(name) else owner, None, "owner"
            return base + name, None, "owner"
    titled = any(s.startswith(t, o.end - sm.sentence.start) for t in lexicon.titles())
    for prev_org in reversed(ctx.recent_orgs):  # 党委副书记 after 东沽港镇党委书记…: the same body
        if titled and prev_org.endswith(name) and len(prev_org) > len(name) and name not in ("两委", "村两委", "村委会", "居委会"):
            return prev_org, None, "reference"
    if name in ("村两委", "村委会", "村委", "两委", "居委会", "社区党支部", "社区居委会"):
        level = "community" if name.startswith(("居", "社区")) else "village"
        place = ctx.recent.get(level) or ctx.recent.get("village" if level == "community" else "community")
        if place:
            unit = name[1:] if name.startswith("村") and place.endswith("村") else name
            return place + unit, place, "abbreviation"
    return None, None, None


def _strip_unit(owner: str) -> str | None:
    for suf in sorted(lexicon.words("bare_units") | lexicon.words("sibling_units"), key=len, reverse=True):
        if owner.endswith(suf) and len(owner) > len(suf):
            return owner[: -len(suf)]
    for suf in ("委",):
        if owner.endswith(suf) and owner[-2:-1] in lexicon.words("level_char"):
            return owner[:-1]  # 西陵寺镇党委 handled above; 大兴区委 -> 大兴区
    return None


def _parent(canon: str, res: Resolution) -> str | None:
    """The body an organization belongs to: X工会 -> X, X党委 -> X, when X names a body."""
    for unit in sorted(lexicon.words("sub_units"), key=len, reverse=True):
        if canon.endswith(unit) and len(canon) > len(unit) + 1:
            stem = canon[: -len(unit)]
            if org_kind(stem) != "other" or stem.endswith(tuple(lexicon.words("parent_endings"))):
                return stem
    for (kind, name) in res.entities:
        if kind == "org" and canon.startswith(name) and len(canon) > len(name) + 1 and org_kind(name) == "union":
            return name
    return None


def _place_bodies_to_government(res: Resolution) -> None:
    """江山路街道开展… when the article also names 江山路街道办事处: the place acts through that body."""
    bodies = {name for (kind, name), e in res.entities.items() if kind == "org" and "place body" in e.why}
    for place in bodies:
        gov = sorted(n for (k, n) in res.entities if k == "org" and n.startswith(place) and n != place
                     and n.endswith(tuple(lexicon.words("place_government_suffix"))))
        if not gov:
            continue
        target = res.entities[("org", gov[0])]
        for text in res.entities[("org", place)].surfaces | {place}:
            target.surface(text, "place body")
        del res.entities[("org", place)]
        for key, v in list(res.org_of.items()):
            if v == place:
                res.org_of[key] = gov[0]


def _government_offices(res: Resolution) -> None:
    """街道党工委副书记、主任张某: a party committee has no 主任; the post is at the place's government body
    (江山路街道办事处) when the article names one."""
    titles = lexicon.words("government_office_titles")
    for i, post in enumerate(res.posts):
        body = res.entities.get(("org", post.org)) if post.org else None
        if body is None or body.org_kind != "party" or post.title not in titles or not body.place:
            continue
        gov = sorted(n for (k, n) in res.entities if k == "org" and n.startswith(body.place)
                     and n.endswith(tuple(lexicon.words("place_government_suffix"))))
        if gov:
            res.posts[i] = replace(post, org=gov[0])


def _publisher(meta: Metadata, res: Resolution) -> None:
    for m in meta.media:
        res.add("org", m.text, org_kind="media").place = None  # 四川新闻网: a region's outlet, not a body there
        res.org_of[(m.start, m.end)] = m.text


# ------------------------------------------------------------------ the alias table: groups and people
def alias_groups(sentences: tuple[SentenceMentions, ...], res: Resolution) -> tuple[SentenceMentions, ...]:
    """Rewrite the canonical names of the group mentions the alias table names (before events are found)."""
    if not res.aliases:
        return sentences
    out = []
    for sm in sentences:
        groups = []
        for g in sm.groups:
            alias = res.alias("group", g.text, g.name)
            if alias is not None:
                g = replace(g, name=g.text if alias.split else alias.canonical)
                res.aliased.add(("group", g.start, g.end))
            groups.append(g)
        out.append(replace(sm, groups=tuple(groups)) if tuple(groups) != sm.groups else sm)
    return tuple(out)


def alias_persons(res: Resolution, events: tuple[EventRecord, ...], authors: tuple[Author, ...]):
    """Rename the people the alias table names: entities, posts, roles, bylines and event agents; a row
    with ``!`` marks the person as kept apart (kg/rdf.py gives it an IRI of this article).

    People are keyed by their name as written throughout the article, so the rename is applied once,
    after events are found. Returns the renamed (events, authors).
    """
    if not res.aliases:
        return events, authors
    names = {}
    for kind, name in sorted(res.entities):
        alias = res.alias("person", name, None) if kind == "person" else None
        if alias is not None and alias.canonical:
            names[name] = alias.canonical
        elif alias is not None:  # !: this article's person of that name is not the one of other articles
            res.entities[(kind, name)].apart = True
            res.entities[(kind, name)].why.add("alias table")
    if not names:
        return events, authors
    for old, new in names.items():
        built = res.entities.pop(("person", old))
        ent = res.add("person", new, old, why="alias table", mentioned=built.mentioned)
        for text in built.surfaces:
            ent.surface(text, "alias table")
        if old in res.person_role:
            role = res.person_role.pop(old)
            if res.person_role.get(new) in (None, "mention"):
                res.person_role[new] = role
    res.posts = [replace(p, person=names.get(p.person, p.person)) for p in res.posts]

    def rename(seq):
        return tuple(dict.fromkeys(names.get(x, x) for x in seq))

    events = tuple(replace(ev, agents=rename(ev.agents)) if set(ev.agents) & names.keys() else ev for ev in events)
    authors = tuple(replace(a, name=names.get(a.name, a.name)) for a in authors)
    return events, authors


# ------------------------------------------------------------------ posts
def _posts(sm: SentenceMentions, res: Resolution, ctx: Context) -> None:
    ev = Evidence(sm.sentence.start, sm.sentence.end, sm.sentence.text)
    for c in sm.chains:
        for p in c.persons:
            res.person_role[p.text] = "official"
        for title, o, level in c.held:
            if level is not None:
                place = ctx.level_place(level)
                org = f"{place}人民政府" if place else None
                if org:
                    res.add("org", org, why="government head", org_kind="government", place=place)
            else:
                org = res.org(o) if o is not None else None
            for p in c.persons:
                res.posts.append(Post(p.text, title, org, ev, c.confidence))
