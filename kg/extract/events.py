"""Stage 3, events: who did what for whom, where, with what money and goods, and when.

An event is read from a clause with a trigger (慰问, 送去, 捐赠 ...): its actors are the people and
bodies in subject position (before the trigger, not after 为/向/到), its beneficiaries the groups
of the clause, with their counts, and the clause's money, goods, place, site and date. What a
clause leaves out comes from the *frame*: the activity the paragraph is telling (its actors,
groups, place, site and date), so that 此次活动共慰问困难职工32人 belongs to the visit told before it.
Sentences that only name who attended (张某、李某参加活动) add agents to the frame's event.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg import lexicon
from kg.extract.metadata import Metadata
from kg.extract.places import rank
from kg.extract.resolve import Resolution
from kg.extract.text import Tokens
from kg.model import Article, DateMention, EventRecord, Evidence, SentenceMentions, Share


@lru_cache(maxsize=1)
def _trigger_re() -> re.Pattern:
    return re.compile(lexicon.alternation(lexicon.triggers()))


def _trigger_matches(sm: SentenceMentions, lo: int = 0, hi: int | None = None) -> list[re.Match]:
    """The triggers of the sentence between local offsets ``lo`` and ``hi`` that begin a word: 助学 inside
    帮助学生 (帮助|学生) or 投入 inside 全身心投入 are matched by the characters only, not said."""
    s = sm.sentence.text
    tokens = Tokens(sm.tokens)
    received = lexicon.pattern("received_before_trigger")
    return [m for m in _trigger_re().finditer(s, lo, len(s) if hi is None else hi) if tokens.is_boundary(m.start())
            and not received.search(s, max(0, m.start() - 16), m.start())]


@dataclass
class Frame:
    """The activity a paragraph is telling: what later clauses without their own say inherit."""

    agents: list = field(default_factory=list)
    organizers: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # Share
    groups_paragraph: int = -1
    groups_site: str | None = None  # where the groups were met (为X敬老院的老人)
    place_paragraph: int = -1
    date_paragraph: int = -1
    date_used: bool = True
    place: str | None = None
    site: str | None = None
    date: tuple | None = None
    paragraph: int = -1
    events: list = field(default_factory=list)  # indexes into the event list


@dataclass
class Clause:
    """What one clause says, before inheritance: its own actors, beneficiaries, money, goods, place, date."""

    start: int  # absolute offsets
    end: int
    classes: list
    welfare: bool  # a welfare trigger, or a weak one with a beneficiary or welfare purpose
    agents: list
    organizers: list
    shares: list
    money: list
    goods: list
    places: list
    site: str | None
    dates: list
    planned: bool
    summary: bool
    implied_organizers: bool = False  # organizers read from the agents' posts, not named as actors
    verbal: bool = True  # a trigger used as a verb (送去), not only inside a noun (捐赠仪式, 慰问活动)
    trigger_words: tuple = ()


def find_events(article: Article, sentences: tuple[SentenceMentions, ...], res: Resolution,
                meta: Metadata) -> tuple[EventRecord, ...]:
    """Return the events of the article, in text order."""
    if not _about_welfare(sentences):
        return ()
    year = _year(article, meta)
    events: list[EventRecord] = []
    frame = Frame()
    sources: list[str] = []  # where each event's place came from
    main = _main_actor(sentences, res)
    for sm in sentences:
        if meta.headline and sm.sentence.text.strip() == meta.headline.strip():
            continue  # the headline names what the body tells
        if sm.sentence.paragraph != frame.paragraph:
            frame = _next_frame(frame, sm)
        if _attendance(sm, res, frame, events):
            continue
        if _effect(sm) or _subheading(sm, res, main):
            continue
        made = None
        before = len(events)
        for clause in _clauses(sm, res, main):
            if made is not None and not clause.classes and clause.shares and not (clause.agents or clause.organizers):
                ev = events[made]  # a list of groups running on after ；(…困难职工；…的职工；劳动模范)
                more = tuple(sh for sh in clause.shares if sh.group not in {x.group for x in ev.shares})
                events[made] = replace(ev, shares=ev.shares + more, money=ev.money + tuple(clause.money))
                continue
            ev, source = _event(clause, sm, frame, res, main, year, meta) or (None, None)
            if ev is not None:
                events.append(ev)
                sources.append(source)
                made = len(events) - 1
                frame.events.append(made)
        if len(events) == before:
            events = _census(sm, res, events)
    return tuple(_one_scene(events, sources, res))


def _effect(sm: SentenceMentions) -> bool:
    """通过慰问，进一步拉近了干群距离，也使困难家庭感受到了党和政府的关爱: a sentence that looks back on the
    activity (通过…, 这次…) to tell what it meant (感受到, 体现了, 拉近了), with no money, goods or count of its
    own, is no event."""
    if sm.money or sm.goods or any(g.count is not None for g in sm.groups):
        return False
    return bool(lexicon.pattern("effect").search(sm.sentence.text.strip()))


def _subheading(sm: SentenceMentions, res: Resolution, main) -> bool:
    """看望生活困难党员张某 on a line of its own: a subheading names what the next paragraph tells, with its
    actor there; with no actor of its own it is no event (it would take every actor of the story)."""
    text = sm.sentence.text.strip()
    if len(text) > 30 or not text or text[-1] in "。！？!?；;，,：:”\"）)" or sm.money or sm.goods:
        return False
    return not any(c.agents or c.organizers for c in _clauses(sm, res, main))


def _census(sm: SentenceMentions, res: Resolution, events: list[EventRecord]) -> list[EventRecord]:
    """X敬老院…现有106位老人: a sentence that only says how many residents the site of events has counts
    the group those events helped there, where they gave it no count of their own."""
    s, off = sm.sentence.text, sm.sentence.start
    sites = {res.org(o) for o in sm.orgs}
    counts = {}
    for g in sm.groups:
        if g.count is not None and lexicon.pattern("census").search(s[max(0, g.start - off - 16):g.start - off]):
            counts.setdefault(g.name, (g.count, g.approximate))
    if not counts:
        return events
    return [replace(ev, shares=tuple(Share(sh.group, *counts[sh.group]) if sh.count is None and sh.group in counts else sh
                                     for sh in ev.shares)) if ev.site in sites else ev for ev in events]


def _one_scene(events: list[EventRecord], sources: list[str], res: Resolution) -> list[EventRecord]:
    """An article that tells of one site only (捐赠仪式 at 兰店乡敬老院): the donors named later, with no place
    of their own, gave there too, not where their bodies are."""
    own = [ev for ev, src in zip(events, sources) if src == "clause"]
    sites = {ev.site for ev in own if ev.site}
    if len(sites) != 1 or any(ev.site is None and rank(res.levels.get(ev.place)) >= 3 for ev in own):
        return events
    scene = next(ev for ev in own if ev.site)
    return [replace(ev, place=scene.place, site=scene.site) if src == "default" else ev
            for ev, src in zip(events, sources)]


# ------------------------------------------------------------------ article-level
def _about_welfare(sentences) -> bool:
    """An article yields events only when it is about welfare work: a welfare trigger and a beneficiary group
    or welfare money somewhere in it (finance, sport and property news use 发放, 赠送, 募集 too). A report of a
    period's statistics (two sentences or more of 比上年增长, 报告指出 ...) tells totals, not events."""
    stats = lexicon.pattern("statistics")
    if sum(1 for sm in sentences if stats.search(sm.sentence.text)) >= 2:
        return False
    triggers = lexicon.triggers()
    strong = sum(1 for sm in sentences for m in _trigger_matches(sm) if triggers[m.group(0)][1] == "welfare")
    groups = sum(1 for sm in sentences for g in sm.groups if _welfare_group(g.name))
    purposes = sum(1 for sm in sentences for m in sm.money if m.purpose in lexicon.words("welfare_money_purpose"))
    return (strong >= 1 or purposes >= 1) and (groups + purposes) >= 1


def _welfare_group(name: str) -> bool:
    """A group of welfare work: a listed category, or one whose name carries a welfare word (困难, 空巢, 一线)."""
    if name in lexicon.groups().values() or name in lexicon.taxonomy():
        return True
    markers = lexicon.words("welfare_markers") | lexicon.words("group_modifier_ok")
    return any(w in name for w in markers if len(w) > 1) or any(name.endswith(h) for h in lexicon.words("welfare_heads"))


def _year(article: Article, meta: Metadata) -> int | None:
    if meta.published:
        return int(meta.published[:4])
    m = re.search(r"(20\d\d|19\d\d)年", article.text[:600])
    return int(m.group(1)) if m else None


def _main_actor(sentences, res: Resolution) -> list:
    """The body the article is about: the subject of the headline or of the first welfare clauses (市总工会赴
    石龙区开展送温暖慰问活动). An article whose opening names no body has none."""
    seen = 0
    for sm in sentences:
        for c in _clauses(sm, res):
            if c.classes:
                if c.organizers:
                    return list(c.organizers[:1])
                seen += 1
        if seen >= 2:
            break
    return []


def _next_frame(frame: Frame, sm: SentenceMentions) -> Frame:
    """A new paragraph goes on with the activity told so far: a clause replaces only what it says itself."""
    return replace(frame, paragraph=sm.sentence.paragraph, events=list(frame.events))


# ------------------------------------------------------------------ clauses
def _clauses(sm: SentenceMentions, res: Resolution, main=None) -> list[Clause]:
    s, off = sm.sentence.text, sm.sentence.start
    out = []
    pos = 0
    for part in lexicon.pattern("clause_split").split(s):
        if part:
            out += _subclauses(sm, res, off + pos, off + pos + len(part), main)
        pos += len(part)
    return out


def _subclauses(sm: SentenceMentions, res: Resolution, a: int, b: int, main=None) -> list[Clause]:
    """Split a clause at commas when two or more of its parts each name a group and an amount
    (为A每人发放5000元,为B每人发放3000元): each amount stays with its own group."""
    s, off = sm.sentence.text, sm.sentence.start
    parts, pos = [], a
    for part in lexicon.pattern("subclause_split").split(s[a - off:b - off]):
        if part:
            parts.append((pos, pos + len(part)))
        pos += len(part)
    both = [p for p in parts if any(p[0] <= g.start < p[1] for g in sm.groups) and any(p[0] <= m.start < p[1] for m in sm.money)]
    if len(both) < 2:
        return [_clause(sm, res, a, b, a, main)]
    out, start = [], a
    for p in parts:
        if p in both[1:]:
            out.append(_clause(sm, res, start, p[0], a, main))
            start = p[0]
    out.append(_clause(sm, res, start, b, a, main))
    return out


def _clause(sm: SentenceMentions, res: Resolution, a: int, b: int, subject_from: int, main=None) -> Clause:
    s, off = sm.sentence.text, sm.sentence.start
    inside = lambda x: a <= x.start < b
    speech = _speech(s)
    trig = [m for m in _trigger_matches(sm, a - off, b - off)
            if not any(o.start <= off + m.start() < o.end for o in sm.orgs if o.suffix)
            and not any(x <= m.start() < y for x, y in speech)]
    triggers = lexicon.triggers()
    classes = []
    verbal_trig = [m for m in trig if not _nominal(s, m.end())]
    for m in verbal_trig or trig:  # 爱心捐款的倡议: a trigger inside a noun gives no class of its own
        cls = triggers[m.group(0)][0]
        if cls not in classes:
            classes.append(cls)
    first = off + trig[0].start() if trig else b
    trig_at = [off + m.start() for m in trig]
    groups = [g for g in sm.groups if inside(g) and not _actor_group(s, g, off) and _named_enough(s, g, off)]
    money = [m for m in sm.money if inside(m)]
    goods = [g for g in sm.goods if inside(g)]
    strong = any(triggers[m.group(0)][1] == "welfare" for m in trig)
    verbal = any(not _nominal(s, m.end()) for m in trig)
    welfare = bool(trig) and (strong or bool(groups) or any(m.purpose in lexicon.words("welfare_money_purpose") for m in money)
                              or any(g.name in lexicon.goods()[1] for g in goods))
    agents, organizers, site, implied = _actors(sm, res, min(a, subject_from), b, trig_at, main)
    places = [p for p in sm.places if inside(p) and not any(o.start <= p.start and p.end <= o.end and res.org(o) != site
                                                             for o in sm.orgs if o.suffix)
              and not _origin(s, p, off, sm)]
    head = s[a - off:first - off]
    return Clause(a, b, classes, welfare, agents, organizers, _shares(groups, sm, res), money, goods,
                  places, site, [d for d in sm.dates if inside(d)],
                  bool(lexicon.pattern("planned").search(head)), bool(lexicon.pattern("summary").search(s[a - off:b - off])),
                  implied, verbal, tuple(m.group(0) for m in trig))


def _nominal(s: str, end: int) -> bool:
    """True when a trigger ending at ``end`` is part of a noun (慰问活动, “送温暖”行动, 捐款的倡议)."""
    while end < len(s) and s[end] in "”\"’」":
        end += 1
    return bool(lexicon.pattern("nominal_after_trigger").match(s, end))


def _speech(s: str) -> list[tuple[int, int]]:
    """Spans of quoted speech (“……” longer than a name or a slogan): what people say is no event."""
    out = []
    for m in re.finditer(r"[“\"]([^”\"]{12,})[”\"]?", s):
        if lexicon.pattern("reported_in_speech").search(m.group(1)):
            continue  # “…我们已在第一时间发放给600多位老人”: a speaker telling what was done reports it
        out.append((m.start(), m.end()))
    return out


def _named_enough(s: str, g, off: int) -> bool:
    """A bare head noun (职工, 老人) is a beneficiary only as the object of the giving: right after 为/向/给/对
    or a trigger (慰问职工, 为老人送去); elsewhere (职工们的生活, 职工培训) it is talk about people."""
    if g.text.rstrip("们") not in lexicon.words("bare_generic_heads") or g.count is not None:
        return True
    before = s[max(0, g.start - off - 4):g.start - off]
    after_ok = lexicon.pattern("bare_group_after").match(s, g.end - off) or \
        any(s.startswith(t, g.end - off) for t in lexicon.triggers()) or s.startswith("拜年", g.end - off)
    return bool(lexicon.pattern("bare_group_before").search(before)) and bool(after_ok)


def _origin(s: str, p, off: int, sm: SentenceMentions) -> bool:
    """北京、广东、厦门等地的尤溪商会, 来自洪山、赵集等十多个乡镇的: where people or bodies come from, not where
    the event is."""
    after = s[p.end - off:p.end - off + 8]
    if lexicon.pattern("origin_after_place").match(after):
        return True
    return bool(lexicon.pattern("origin_before_place").search(s[max(0, p.start - off - 12):p.start - off]))


def _actor_group(s: str, g, off: int) -> bool:
    """A group named as the visitors (劳模代表等一行来到…), as the subject of a giving to another group
    (医务工作者为每一位老人体检), called on to give (号召全体女职工为…) or as a status someone gets
    (被纳为低保户): not the people visited."""
    after = s[g.end - off:g.end - off + 24]
    before = s[max(0, g.start - off - 6):g.start - off]
    if lexicon.pattern("status_before_group").search(before):
        return True  # 该户被纳为低保户, 成为低保户: a status the text reports, not the people helped
    return bool(lexicon.pattern("actor_group_after").match(after) or lexicon.pattern("actor_group_before").search(before))


def _shares(groups, sm: SentenceMentions, res: Resolution) -> list[Share]:
    out: list[Share] = []
    for g in groups:
        if any(x.group == g.name for x in out):
            out = [Share(x.group, x.count if x.count is not None else g.count, x.approximate or g.approximate)
                   if x.group == g.name else x for x in out]
            continue
        out.append(Share(g.name, g.count, g.approximate))
    heads = lexicon.group_heads()
    # 为空巢老人、独居老人…为老人们送去: a bare head noun names again the groups of the clause that end in it
    return [x for x in out if not (x.group in heads and x.count is None
                                   and any(y.group != x.group and y.group.endswith(x.group) for y in out))]


def _actors(sm: SentenceMentions, res: Resolution, a: int, b: int, trig: list[int], main: list | None = None):
    """People and bodies in subject position of the clause [a, b): named before a trigger of the clause and
    not inside a phrase of 为/向/到 (those are beneficiaries, recipients and sites)."""
    s, off = sm.sentence.text, sm.sentence.start
    tokens = Tokens(sm.tokens)
    agents, organizers, site = [], [], None
    post_orgs = {o for c in sm.chains for _, o, _ in c.held if o is not None}
    before_trigger = lambda x: any(t >= x.end for t in trig)
    last_site_end = None
    last_object_end = None
    for o in sm.orgs:
        canon = res.org(o)
        if canon is None or not (a <= o.start < b) or any(x is not o and x.start <= o.start and o.end <= x.end and x.suffix for x in sm.orgs):
            continue
        i = o.start - off
        lead = _lead(s, i, a - off)
        kind = res.entities[("org", canon)].org_kind if ("org", canon) in res.entities else "other"
        if last_site_end is not None and s[last_site_end:i] in lexicon.words("list_joiners"):
            last_site_end = o.end - off  # 深入X、Y、Z等处: the places visited, listed
            continue
        if _in_pattern(s, i, "auspices"):  # 在X的赞助下, 在区总工会的组织下: X acts, it is no site
            if canon not in organizers and o not in post_orgs:
                organizers.append(canon)
            continue
        if _prep_before(tokens, s, i, "site_prep"):
            if _site_like(canon, kind) and site is None and not _place_follows(sm, o) and not _in_accompany(s, i) \
                    and not _employer(sm, o):
                site = canon
            last_site_end = o.end - off
            continue
        if _prep_before(tokens, s, i, "site_prep_recipient"):
            if kind in lexicon.words("recipient_site_kinds") and site is None and s[o.end - off:o.end - off + 1] != "、":
                site = canon  # 向X敬老院捐赠; not 为X、Y、Z安装: a list of recipients is no one site
            last_object_end = o.end - off
            continue
        if last_object_end is not None and s[last_object_end:i] in lexicon.words("list_joiners"):
            last_object_end = o.end - off  # 向X、Y、Z职工送去: the rest of the list is in the same phrase
            continue
        if _in_prep_phrase(tokens, s, lead, i) or _prep_before(tokens, s, i, "object_verbs") or _in_prep_list(tokens, s, a - off, i):
            last_object_end = o.end - off
            continue
        if o in post_orgs or kind == "media" or (i > 0 and s[i - 1] in "“\"「《") or s[o.end - off:o.end - off + 1] in "”\"」》" \
                or _in_accompany(s, i) or _unnamed_post(s, o, off, canon, post_orgs, res):
            continue  # the body of a post is named with its official; a quoted name is a campaign
        if before_trigger(o) or re.search(lexicon.pattern("organizer_lead").pattern, lead):
            if canon not in organizers:
                organizers.append(canon)
    named_after_group = {p.start for p in sm.persons for g in sm.groups if 0 <= p.start - g.end <= 3
                         and s[g.end - off:p.start - off] in ("", "”", "\"", "、", "代表", "代表、")}
    for p in sm.persons:
        if not (a <= p.start < b) or res.person_role.get(p.text) in ("beneficiary", "author") or p.role == "beneficiary":
            continue
        if lexicon.pattern("helped_person_before").search(s, max(0, p.start - off - 8), p.start - off) \
                or lexicon.pattern("helped_person_after").match(s[p.end - off:]):
            continue  # 97岁的陈某老婆婆从协会负责人手中接过慰问金: the person helped
        if p.start in named_after_group or any(0 <= g.start - p.end <= 30 and lexicon.pattern("member_before_group").match(
                s[p.end - off:g.start - off]) for g in sm.groups):
            continue  # 归侨宋文清, 特困退休人员于光明, 吴锦娣等空巢老人: one of the people helped
        i = p.start - off
        if _in_prep_phrase(tokens, s, _lead(s, i, a - off), i) or _object_of_trigger(s, i, trig, off):
            continue
        if not trig or before_trigger(p) or lexicon.pattern("agent_cue").search(s[max(a - off, i - 6):i]) \
                or lexicon.pattern("agent_cue").match(s, p.end - off) or s.startswith("一行", p.end - off):
            if p.text not in agents:
                agents.append(p.text)
    for m in lexicon.pattern("accompany").finditer(s, a - off, b - off):  # 在张某的陪同下
        for p in sm.persons:
            if m.start("who") <= p.start - off < m.end("who") and p.text not in agents:
                agents.append(p.text)
    if site in organizers:
        site = None
    implied = not organizers and bool(agents)
    if implied:
        organizers = _organizers_of(agents, sm, res, main or [])
    return agents, organizers, site, implied


def _object_of_trigger(s: str, i: int, trig: list[int], off: int) -> bool:
    """走访慰问我区“中国好人”张某以及…王某，为他们送去…: a person after a verb of giving or visiting, with no
    break between them, is its object, even where a later trigger of the clause follows."""
    for t in trig:
        m = _trigger_re().match(s, t - off)
        if m is None or m.end() > i or _nominal(s, m.end()):
            continue
        if not lexicon.pattern("object_gap_break").search(s, m.end(), i):
            return True
    return False


def _unnamed_post(s: str, o, off: int, canon: str, post_orgs: set, res: Resolution) -> bool:
    """区委书记张三、区长李四、区委副书记等领导: a body followed by a title is the post of one more official of
    a body whose officials the clause names; it is no actor of its own."""
    if not any(res.org(x) == canon or (res.org(x) or "").endswith(o.text) for x in post_orgs):
        return False
    after = s[o.end - off:o.end - off + 6]
    return any(after.startswith(t) for t in lexicon.titles())


def _organizers_of(agents, sm: SentenceMentions, res: Resolution, main: list) -> list:
    """The bodies on whose behalf officials act when the clause names none: the article's main body when one of
    them holds a post there, else the leading official's body (not a government he heads)."""
    here = [p for p in res.posts if p.person in agents and p.org and p.evidence.start == sm.sentence.start]
    if any(p.org in main for p in here):
        return [o for o in main if any(p.org == o for p in here)][:1]
    lead = [p.org for p in here if p.person == agents[0]]
    order = lexicon.words("organizer_kind_order")
    rank_of = {k: i for i, k in enumerate(lexicon.table("organizer_kinds.tsv"))}
    kinds = {o: res.entities[("org", o)].org_kind if ("org", o) in res.entities else "other" for o in lead}
    lead = [o for o in dict.fromkeys(lead) if not o.endswith(tuple(lexicon.words("head_of_government_bodies")))
            and not _regional_committee(o, res)]
    lead = sorted(lead, key=lambda o: rank_of.get((kinds[o],), 99))
    return lead[:1] if lead and kinds[lead[0]] not in order else []


def _regional_committee(org: str, res: Resolution) -> bool:
    """大兴区委, 延庆区委: a region's party committee; its secretary visits in person, not as its organizer."""
    return any(org == p + "委" or org == p[:-1] + "委" and p.endswith(tuple(lexicon.words("county_suffix_char")))
               for p in res.levels) or org in lexicon.words("bare_level_committees")


def _prep_before(tokens: Tokens, s: str, i: int, word_set: str) -> bool:
    """True when a word of ``word_set`` stands right before offset ``i`` as a word of its own (到, not 收到)."""
    for w in lexicon.words(word_set):
        if s.endswith(w, 0, i):
            t = tokens.ending_at(i)
            if t is not None and (t.word == w or t.word.endswith(w) and t.word in lexicon.words(word_set)):
                return True
            if t is not None and len(t.word) > len(w):
                continue  # 收到, 得到: the character is part of a longer word
            return True
    return False


def _in_prep_list(tokens: Tokens, s: str, floor: int, i: int) -> bool:
    """到X、Y及Z, 向A、B、C职工: a name further down a list that a preposition or a verb of going opens."""
    seg = s[floor:i]
    for w in sorted(lexicon.words("site_prep") | lexicon.words("beneficiary_prep"), key=len, reverse=True):
        k = seg.rfind(w)
        if k < 0:
            continue
        between = seg[k + len(w):]
        if between and lexicon.pattern("name_list_gap").fullmatch(between):
            return True
    return False


def _in_prep_phrase(tokens: Tokens, s: str, lead: str, i: int) -> bool:
    """True when the name sits in a phrase opened by 为/向/给/对 (为贯彻落实X…, 向X捐赠)."""
    if _prep_before(tokens, s, i, "beneficiary_prep"):
        return True
    j = i - len(lead)
    t = tokens.starting_at(j)
    return bool(lead) and t is not None and t.word in lexicon.words("phrase_prep")


def _site_like(name: str, kind: str) -> bool:
    """An institution one goes to (a home, a school, a hospital, a company or its union), not a government."""
    if kind in ("government", "party", "legislature", "cppcc", "media"):
        return False
    return True


def _employer(sm: SentenceMentions, o) -> bool:
    """慰问了X公司职工张三: the body names where the people visited work; the visit went to them, not to it."""
    s, end = sm.sentence.text, o.end - sm.sentence.start
    return any(s.startswith(h, end) for h in lexicon.group_heads()) or any(p.start == o.end for p in sm.persons)


def _in_accompany(s: str, i: int) -> bool:
    return _in_pattern(s, i, "accompany")


def _in_pattern(s: str, i: int, name: str) -> bool:
    """True when offset ``i`` is inside the ``who`` part of a match of pattern ``name`` (在X的陪同下)."""
    return any(m.start("who") <= i < m.end("who") for m in lexicon.pattern(name).finditer(s))


def _place_follows(sm: SentenceMentions, o) -> bool:
    """来到X“对接村”Y村: a place right after the body is where the visit went; the body is no site."""
    s, off = sm.sentence.text, sm.sentence.start
    for p in sm.places:
        if o.end <= p.start <= o.end + 12 and not re.search(r"[，,。；;、]", s[o.end - off:p.start - off]):
            return True
    return False


def _lead(s: str, i: int, floor: int) -> str:
    seg = max([s.rfind(ch, 0, i) for ch in "，,；;。：:、"] + [floor - 1]) + 1
    return s[seg:i]


# ------------------------------------------------------------------ attendance
def _attendance(sm: SentenceMentions, res: Resolution, frame: Frame, events: list) -> bool:
    """张某、李某等参加活动 / X相关领导出席仪式: the people (and bodies whose leaders came) join the frame's
    event; the sentence is no event of its own. Returns True when the sentence was one of these."""
    s = sm.sentence.text
    if not lexicon.pattern("attend_list").search(s) or any(sm.money) or not frame.events:
        return False
    new_agents = [p.text for p in sm.persons if res.person_role.get(p.text) not in ("beneficiary", "author")]
    new_orgs = []
    post_orgs = {o for c in sm.chains for _, o, _ in c.held if o is not None}
    qualified_from = None
    for o in reversed(sm.orgs):  # X党委政府相关领导: both bodies' leaders came
        canon = res.org(o)
        if canon is None or o in post_orgs or any(x is not o and x.start <= o.start and o.end <= x.end for x in sm.orgs):
            continue
        if lexicon.pattern("leaders_after").match(s, o.end - sm.sentence.start) or qualified_from == o.end:
            new_orgs.insert(0, canon)
            qualified_from = o.start
    new_orgs = list(dict.fromkeys(new_orgs))
    if new_agents:
        new_orgs = []  # named officials attend for themselves; their bodies are not organizers
    if not new_agents and not new_orgs:
        return False
    i = frame.events[-1]
    ev = events[i]
    events[i] = replace(ev, agents=tuple(dict.fromkeys(ev.agents + tuple(new_agents))),
                        organizers=tuple(dict.fromkeys(ev.organizers + tuple(new_orgs))),
                        evidence=_span(ev.evidence, sm))
    frame.agents = list(dict.fromkeys(frame.agents + new_agents))
    frame.organizers = list(dict.fromkeys(frame.organizers + new_orgs))
    return True


def _span(ev: Evidence, sm: SentenceMentions) -> Evidence:
    return ev  # the event's evidence stays its own sentence; attendance is recorded on the same event


# ------------------------------------------------------------------ one event
def _event(c: Clause, sm: SentenceMentions, frame: Frame, res: Resolution, main: list, year, meta: Metadata):
    own = bool(c.agents or c.organizers)
    if c.classes and not c.welfare and (c.goods or c.money) and frame.groups:
        c = replace(c, welfare=True)  # 配备方便面800箱 in a story about the groups it went to
    if not c.classes or not c.welfare:
        if own and not c.classes:  # a subject without a trigger: the story's body, for later clauses
            _new_subject(frame, c.agents, c.organizers)
        if c.dates:  # a date said before the activity is told: it is the activity's date
            frame.date, frame.date_paragraph, frame.date_used = _date(c.dates[0], year), sm.sentence.paragraph, False
        if own and frame.groups and (c.money or c.goods) and not c.classes:
            c = replace(c, classes=["Donation"], welfare=True, verbal=True)  # 市慈善总会购置106份大礼包,总价值1万元
        else:
            return None
    if not own and lexicon.pattern("generic_subject").search(sm.sentence.text[c.start - sm.sentence.start:c.end - sm.sentence.start]) \
            and main and set(main) != set(frame.organizers):
        frame.agents, frame.organizers = [], list(main)  # 爱心人士驱车前往…: the article's body acts again
    agents, organizers = (c.agents, c.organizers) if own else (frame.agents, frame.organizers)
    if own and c.implied_organizers and frame.organizers:
        held = {p.org for p in res.posts if p.person in agents}
        if held & set(frame.organizers):  # officials of the body the paragraph is about act on its behalf
            organizers = [o for o in frame.organizers if o in held]
    inherited = not own
    if not agents and not organizers:
        organizers = list(main)
    here = frame.groups_paragraph == sm.sentence.paragraph or frame.site is not None or not own
    # 商会执行会长…捐款18万元, 向(the story's)敬老院捐赠5000元: for the story's group
    gift = "Donation" in c.classes and c.money and (not c.site or c.site in (frame.site, frame.groups_site)) and c.verbal
    elsewhere = c.site is not None and c.site not in (frame.site, frame.groups_site)  # a gift to another site
    inherit_groups = frame.groups and (here or gift) and not elsewhere and not c.summary and (c.verbal or not c.trigger_words) \
        and (c.money or c.goods or own)
    shares = c.shares or (list(frame.groups) if inherit_groups else [])
    shares = [_family_of_frame(sh, list(shares) + list(frame.groups)) for sh in shares]
    visit_to_place = own and c.places and c.verbal and any(lexicon.triggers()[t][1] == "welfare" for t in c.trigger_words)
    if not (shares or c.money or c.goods or c.site or visit_to_place):
        if own:
            _new_subject(frame, agents, organizers)
        if c.dates:  # the activity is announced with its date; what it gave comes next
            frame.date, frame.date_paragraph, frame.date_used = _date(c.dates[0], year), sm.sentence.paragraph, False
        return None
    place, source = _place(c, frame if frame.place_paragraph == sm.sentence.paragraph or not own else replace(frame, place=None),
                   res, organizers)
    if own and source == "default" and not c.site and _same_actors(agents, organizers, frame, res):
        place, source = frame.place, "frame"
    if c.site in organizers:
        c = replace(c, site=None)
    same_paragraph = frame.place_paragraph == sm.sentence.paragraph
    site = c.site or (frame.site if inherited and same_paragraph and not c.places else None)
    shares = _residents(shares, site, own and c.verbal)
    carried = frame.date if (frame.date_paragraph == sm.sentence.paragraph or not frame.date_used) else None
    date = _date(c.dates[0], year) if c.dates else carried
    frame.date_used = True
    if own:
        frame.agents, frame.organizers = list(agents), list(organizers)
    if c.shares:
        frame.groups = list(c.shares)
        frame.groups_paragraph = sm.sentence.paragraph
        frame.groups_site = site
    frame.place, frame.site = place, site
    frame.place_paragraph = sm.sentence.paragraph
    if c.dates:
        frame.date, frame.date_paragraph = date, sm.sentence.paragraph
    text = sm.sentence.text[c.start - sm.sentence.start:c.end - sm.sentence.start]
    ev = Evidence(sm.sentence.start, sm.sentence.end, sm.sentence.text)
    return EventRecord(tuple(c.classes), ev, tuple(agents), tuple(organizers), place, site, tuple(shares),
                       tuple(c.money), tuple(c.goods), date, "planned" if c.planned else None, c.summary,
                       0.6 if inherited else 0.75 if text else 0.7), source if not site else "clause"


def _same_actors(agents, organizers, frame: Frame, res: Resolution) -> bool:
    """扶贫工作队给他送上400元 after 寿县…魏庙村扶贫工作队来到魏庙村: the story's actors again (the same names, a
    short name of the same body, an official of it), so the story's place holds in a new paragraph too."""
    if not frame.place or not (frame.agents or frame.organizers):
        return False
    if set(agents) & set(frame.agents):
        return True
    bodies = set(organizers) | {p.org for p in res.posts if p.person in agents and p.org}
    return any(f == o or f.endswith(o) for f in frame.organizers for o in bodies)


def _residents(shares: list, site: str | None, visit: bool) -> list:
    """A visit to a home for the elderly that names no group is for its residents (敬老院老人)."""
    home = next((w for w in lexicon.words("elderly_homes") if site and site.endswith(w)), None)
    if home is None:
        return shares
    return [Share(home + "老人", None, False)] if visit and not shares else shares


def _new_subject(frame: Frame, agents, organizers) -> None:
    """Someone new takes the story up: their scene (place, site) is not the last one's."""
    if set(agents) | set(organizers) != set(frame.agents) | set(frame.organizers):
        frame.place = frame.site = None
    frame.agents, frame.organizers = list(agents), list(organizers)


def _family_of_frame(sh: Share, groups: list) -> Share:
    """职工及家属 in a story about 大病职工: the families are those of the story's group (大病职工家属)."""
    for fam in lexicon.words("relational_heads"):
        head = sh.group[: -len(fam)]
        if sh.group.endswith(fam) and head in lexicon.words("bare_generic_heads"):
            specific = [g.group for g in groups if g.group.endswith(head) and g.group != head]
            if specific:
                return Share(specific[0] + fam, sh.count, sh.approximate)
    return sh


def _place(c: Clause, frame: Frame, res: Resolution, organizers) -> tuple[str | None, str]:
    """The most specific place of the clause, else the site's, else the frame's, else the organizer's, else
    the article's home place; with where it came from ("clause", "frame" or "default")."""
    if c.places:
        best = max(c.places, key=lambda p: (rank(p.level), p.start))
        return res.place(best), "clause"
    if c.site and ("org", c.site) in res.entities and res.entities[("org", c.site)].place:
        return res.entities[("org", c.site)].place, "clause"
    own = bool(c.agents or c.organizers)
    if frame.place and not own:
        return frame.place, "frame"
    home = res.home if own else (frame.place or res.home)
    for o in organizers:  # a local body acts where it is (镇总工会 -> 瀛海镇); a body from elsewhere came here
        e = res.entities.get(("org", o))
        if e is not None and e.place and (home is None or rank(res.levels.get(e.place)) >= rank(res.levels.get(home))):
            return e.place, "default"
    return home, "default"


def _date(d: DateMention, year: int | None) -> tuple[str, str | None]:
    y = d.year or year

    def fmt(mo: int, day: int) -> str:
        if y:
            try:
                return dt.date(y, mo, day).isoformat()
            except ValueError:
                pass
        return f"--{mo:02d}-{day:02d}"

    return fmt(d.month, d.day), fmt(*d.until) if d.until else None
