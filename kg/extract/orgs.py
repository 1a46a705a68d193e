"""Organizations: names ending in a known suffix (总工会, 党委, 医院, 有限公司, 义工站), split where the text
joins two bodies (X联合Y, 区委区政府), and places that act as a body (和平上东社区开展…)."""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.text import Tokens, build_matcher, cjk_only, is_cjk, longest_matches, name_start
from kg.model import OrgMention, PlaceMention


@lru_cache(maxsize=1)
def _suffix_matcher():
    return build_matcher(lexicon.org_suffixes())


def org_kind(name: str) -> str:
    """Return the kind of an organization from its name (政协 first, then the longest suffix)."""
    for prefix, kind in lexicon.table("org_prefix_kinds.tsv"):
        if name.startswith(prefix):
            return kind
    suffixes = lexicon.org_suffixes()
    m = lexicon.pattern("org_branch").search(name)
    if m and m.end() == len(name) and not any(name.endswith(x) for x in suffixes):
        name = name[: m.start()]  # 广安门医院南区: a campus is of its body's kind
    best = ""
    for suf in suffixes:
        if name.endswith(suf) and len(suf) > len(best):
            best = suf
    if best in lexicon.words("committee_suffix"):
        head = name[: -len(best)]
        inner = [suf for suf, kind in suffixes.items() if kind == "association" and len(suf) > 1 and suf in head]
        if inner:  # 中国西部研究发展促进会·绿色产业发展委员会: a committee of an association is one
            return "association"
    kind = suffixes.get(best, "other")
    if kind == "government" and name.startswith(tuple(lexicon.words("enterprise_group_prefixes"))):
        return "enterprise"  # 中铁六局, 中建三局: a bureau of a state-owned group is a firm
    return kind


def find_orgs(s: str, tokens: Tokens, offset: int, places: list[PlaceMention], blocked=()) -> list[OrgMention]:
    """Return the organizations of sentence ``s`` (absolute offsets); ``blocked`` spans (local) are names."""
    suffixes = lexicon.org_suffixes()
    out: list[OrgMention] = []
    prev_end = 0
    for a, b, suf in longest_matches(_suffix_matcher(), s):
        if any(x < b and a < y for x, y in blocked) or not _suffix_ok(s, tokens, a, b, suf):
            continue
        floor = max([prev_end] + [y for x, y in blocked if y <= a])
        start = name_start(s, tokens, a, floor, 24, allow_dot=True)
        if a > floor and start > floor and s[start - 1] in lexicon.words("reference_char"):
            start -= 1  # 该商会: a reference to a body named before (resolved later)
        elif start - 2 >= floor and s[start - 2] in lexicon.words("reference_char") and s[start - 1] in lexicon.words("level_char"):
            start -= 2  # 该县|疾控中心: a body of the county named before
        elif start == a and floor < a:
            start = _list_item_start(s, a, floor)
        if start > 0 and s[start - 1] == "驻":  # 临江县驻西山村工作队: the body and where it is sent are one name
            before = [p for p in places if p.end - offset == start - 1] + [o for o in out if o.end - offset == start - 1]
            if before:
                start = before[0].start - offset
                if out and out[-1] is before[0]:
                    out.pop()
        if start < a and s[start] in lexicon.words("list_conjunction_char") and start > 0 \
                and any(s.endswith(x, 0, start) for x in lexicon.org_suffixes()):
            start += 1  # 乡政府和县教育局: 和 joins two bodies here (not the county 和县)
        if s[start] in "·•" and out and out[-1].end - offset == start:
            start = out.pop().start - offset  # 中国西部研究发展促进会·绿色产业发展委员会: a body and its committee
        elif start == a and out and out[-1].end - offset == a:
            prev = out[-1]
            if suf in lexicon.words("company_forms"):
                out.pop()  # 福建汇晟集团|有限公司: one name, the legal form of the first
                start = prev.start - offset
            elif not (suf in lexicon.words("sibling_units") and prev.org_kind in ("party", "government")):
                start = prev.start - offset  # a body of the one before it: 公交集团|党委, 艺术团|义工站
        start = _trim_left(s, start, a)
        b = _with_branch(s, b, suffixes[suf])
        name = s[start:b]
        if not _name_ok(s, name, suf, start, a, b):
            prev_end = b
            continue
        if out and out[-1].end - offset == start and start < a and \
                (suf in lexicon.words("branch_suffix") or s.startswith("驻", start)
                 or suf in lexicon.words("department_suffix") and out[-1].org_kind in ("union", "association", "party", "government", "legislature")):
            prev = out[-1] if suf in lexicon.words("department_suffix") else out.pop()
            # 农业银行|西林县支行, X政法委|驻Y村扶贫工作队: one body, a branch of the first; 市总工会|保障工作部: a department
            start = prev.start - offset
            name = s[start:b]
        out.append(OrgMention("org", offset + start, offset + b, name, suffixes[suf], suf))
        prev_end = b
    return _split_departments(out)


def _suffix_ok(s: str, tokens: Tokens, a: int, b: int, suf: str) -> bool:
    """Reject suffixes that here begin another word (局部, 人大代表, 委员会委员, 部分行动)."""
    if len(suf) < 3 and not tokens.is_boundary(b) and not tokens.is_boundary(a):
        return False
    nxt = s[b:b + 1]
    if suf in lexicon.words("org_suffix_needs_end") and nxt and is_cjk(nxt) and nxt not in lexicon.words("org_suffix_end_ok"):
        return False
    return not any(s.startswith(w, i) and i + len(w) > a for w in lexicon.words("not_org_words")
                   for i in range(max(0, a - len(w) + 1), a + 1))


def _list_item_start(s: str, a: int, floor: int) -> int:
    """A list item the tagger splits (区中医结合医院): take the segment back to the separator."""
    seg_start = max(s.rfind(ch, floor, a) for ch in "、，,。；;：:（(“\" ") + 1
    seg_start = max(seg_start, floor)
    seg = s[seg_start:a]
    if 1 <= len(seg) <= 10 and cjk_only(seg) and seg[0] in lexicon.words("level_char"):
        return seg_start
    return a


def _trim_left(s: str, start: int, a: int) -> int:
    """Drop leading words that belong to the sentence, not the name (爱心企业|汕头东风…, 委托|深圳市…)."""
    changed = True
    while changed and start < a:
        changed = False
        for w in sorted(lexicon.words("org_lead_drop"), key=len, reverse=True):
            if s.startswith(w, start) and start + len(w) < a:
                start += len(w)
                changed = True
                break
    return start


def _with_branch(s: str, b: int, kind: str) -> int:
    """A campus or branch is named with its body: 广安门医院南区, 农业银行西林县支行."""
    m = lexicon.pattern("org_branch").match(s, b)
    if m and kind in ("medical", "enterprise", "association"):
        return m.end()
    return b


def _name_ok(s: str, name: str, suf: str, start: int, a: int, b: int) -> bool:
    if suf == "局" and (len(name) < 4 or s[b - 2:b] in lexicon.words("game_words")):
        return False  # 胜局, 开局, 大局: a game or a situation, not a bureau
    if name[:1] in lexicon.words("plural_first") or lexicon.pattern("org_levels").search(name):
        return False  # 各级工会, 市、镇两级工会: levels, not one organization
    if suf in lexicon.words("headless_suffix") and len(name) - len(suf) < 2:
        return False  # 有限公司 with no name before it
    if name in lexicon.words("generic_orgs") and suf not in lexicon.words("bare_units"):
        return False
    if _only_generic(name[: len(name) - len(suf)]):
        return False  # 农村敬老院, 城乡基层党组织: a kind of body, not one
    return True


def _only_generic(head: str) -> bool:
    """True when the part before the suffix is made only of generic modifiers (农村, 城乡基层, 爱心)."""
    if not head:
        return False
    mods = sorted(lexicon.words("generic_modifiers"), key=len, reverse=True)
    while head:
        m = next((w for w in mods if head.startswith(w)), None)
        if m is None:
            return False
        head = head[len(m):]
    return True


def _split_departments(orgs: list[OrgMention]) -> list[OrgMention]:
    """A committee inside one of its departments (区委 in 区委编办) is not a mention of its own."""
    deps = lexicon.words("party_departments")
    return [o for o in orgs if not any(p is not o and p.start == o.start and p.end > o.end and p.text.endswith(tuple(deps))
                                       for p in orgs)]


def find_place_bodies(s: str, offset: int, places: list[PlaceMention], orgs: list[OrgMention]) -> list[OrgMention]:
    """Return places acting as a body: 和平上东社区开展…, 盘山县陆续组织…, 青龙街道主要领导… (a subject
    at the start of a clause, followed by a verb of action or a word for its leaders)."""
    out = []
    cue = lexicon.pattern("place_body_after")
    lead = lexicon.pattern("clause_lead")
    for p in places:
        a, b = p.start - offset, p.end - offset
        if p.level not in lexicon.words("body_levels") or any(o.start <= p.start < o.end for o in orgs):
            continue
        if not cue.match(s, b):
            continue
        before = s[:a]
        if before and not lead.search(before):
            continue
        out.append(OrgMention("org", p.start, p.end, p.text, "government", ""))
    return out


def find_media(s: str, offset: int) -> list[OrgMention]:
    """Return news outlets named as a source: X网讯, X报讯, 来源:X, 《X日报》."""
    out = []
    for m in lexicon.pattern("media_name").finditer(s):
        name = next(g for g in m.groups() if g)
        a = m.start(m.lastindex)
        out.append(OrgMention("org", offset + a, offset + a + len(name), name, "media", ""))
    return out


def strip_levels(name: str) -> str:
    """Return ``name`` without a leading doubled level (大兴区区委 -> 大兴区委)."""
    return re.sub(lexicon.pattern("doubled_level").pattern, r"\1委", name)
