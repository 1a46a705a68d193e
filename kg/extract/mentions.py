"""Mention finders: places, organizations, people (title chains), groups, money, goods, dates.

Each finder reads one sentence of the normalized text (with jieba tokens) and returns
``Span`` records with absolute offsets. Rules are general: suffixes, titles, units and
group words come from kg/data; no names of particular people or places are listed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import gazetteer, lexicon
from kg.extract.common import BREAK_WORDS, NAME_POS, Span, attrs, build_matcher, longest_matches
from kg.normalize import is_cjk
from kg.segment import Token

LEVEL_RANK = {"province": 0, "municipality": 0, "city": 1, "county": 2, "district": 2, "subdistrict": 3,
              "town": 3, "township": 3, "community": 4, "village": 4}
COUNTY_SUFFIX = {"县": "county", "旗": "county", "市": "city", "区": "district"}
NOT_COUNTY = frozenset("全县 我县 该县 本县 各县 外县 郊县 邻县 市县 区县 州县 全旗".split())
UNIT_SUFFIXES = ("街道", "社区", "苏木", "嘎查", "镇", "乡", "村")
# Words that start with an administrative character but are no place (镇域, 村内, 社区工作者 ...).
NOT_PLACE_AFTER = ("域", "内", "民", "委", "级", "干部", "工作者", "工作人员", "居民", "里", "口")
BARE_UNITS = ("工会", "团委", "女工委", "党委", "党支部", "支部", "党总支", "妇联", "党工委")
GENERIC_ORGS = frozenset(
    "工会 总工会 基层工会 上级工会 各级工会 工会组织 党委 政府 党和政府 各级党委 集团公司 分公司 委员会 局 医院 协会 "
    "基金会 公司 集团 人大 政协 村两委 居委会 社区党支部 党支部 支部 企业 煤矿 日报 晚报 报社 电视台".split()
)
GOV_HEAD_TITLES = {"区长": "区", "副区长": "区", "常务副区长": "区", "市长": "市", "副市长": "市", "常务副市长": "市",
                   "县长": "县", "副县长": "县", "镇长": "镇", "副镇长": "镇", "乡长": "乡", "副乡长": "乡",
                   "省长": "省", "副省长": "省", "旗长": "旗", "副旗长": "旗", "州长": "州", "副州长": "州"}
NAME_STOP = set("一等共带到来在和与及分率同深表为向对陪也还都先首主副走看慰、，。,（(）)：:；;“”\"等均亲专")
GAME_WORDS = frozenset("胜局 败局 平局 出局 开局 大局 困局 好局 僵局 结局 布局 饭局 赌局 格局 残局 终局 时局 政局 变局 新局 全局 当局 骗局".split())
# Surnames that are far more often function words: never a name's first character when jieba says so.
FUNCTION_CHARS = frozenset("和与及对向为在都也还就把被给从将")
SPEECH_VERBS = ("表示", "说", "指出", "介绍", "强调", "称赞", "感谢", "希望", "叮嘱", "要求", "来到", "详细", "一行", "带队",
                "走访", "慰问", "看望", "深入", "到", "分别", "共同", "带领", "参加", "前往", "为", "向", "对")


# ------------------------------------------------------------------ lexicon automata
@lru_cache(maxsize=1)
def _gaz_matcher():
    names = set(gazetteer.load()) | set(gazetteer.short_forms())
    return build_matcher(n for n in names if len(n) >= 2)


@lru_cache(maxsize=1)
def _org_suffix_matcher():
    return build_matcher(lexicon.org_suffixes())


@lru_cache(maxsize=1)
def _title_matcher():
    return build_matcher(lexicon.titles() | lexicon.roles())


@lru_cache(maxsize=1)
def _group_matcher():
    return build_matcher(lexicon.groups())


@lru_cache(maxsize=1)
def _goods_matcher():
    items, cats = lexicon.goods()
    return build_matcher(items | cats)


def token_at(tokens: tuple[Token, ...], i: int) -> Token | None:
    """Return the token covering local offset ``i``."""
    for t in tokens:
        if t.start <= i < t.end:
            return t
    return None


def _name_like(tok: Token) -> bool:
    if tok.word in BREAK_WORDS:
        return False
    if tok.word in lexicon.org_suffixes():
        return True  # 区委编办党支部: jieba tags 编办 as a verb
    if not all(is_cjk(c) for c in tok.word):
        return False
    return tok.pos in NAME_POS or len(tok.word) == 1 and tok.word in "省市区县镇乡村旗州盟"


def extend_left(s: str, tokens, pos: int, floor: int, max_chars: int) -> int:
    """Walk left from local offset ``pos`` over name-like tokens; return the start of the name."""
    start = pos
    tok = token_at(tokens, pos - 1) if pos > 0 else None
    if tok is not None and tok.end > pos:  # the suffix starts inside a token: take its left part
        part = s[tok.start:pos]
        if all(is_cjk(c) for c in part) and tok.start >= floor and not re.search("[和与及]", part):
            start = tok.start
            tok = token_at(tokens, start - 1) if start > 0 else None
        else:
            return pos
    while tok is not None and tok.start >= floor and pos - tok.start <= max_chars and _name_like(tok):
        start = tok.start
        tok = token_at(tokens, start - 1) if start > 0 else None
    return start


# ------------------------------------------------------------------ places
def find_places(s: str, tokens, offset: int) -> list[Span]:
    """Find administrative places: gazetteer names (county level and above) and unit suffixes (镇, 村, 街道)."""
    out: list[Span] = []
    shorts = gazetteer.short_forms()
    for a, b, w in longest_matches(_gaz_matcher(), s):
        full = shorts.get(w, w)
        places = gazetteer.lookup(full)
        if not places:
            continue
        if w in shorts and b < len(s) and s[b] in "省市":
            continue  # 四川省 is matched in full elsewhere
        level = places[0].level
        out.append(Span("place", offset + a, offset + b, w, full, attrs(level=level, gaz=True)))
    taken = [(p.start - offset, p.end - offset) for p in out]
    for tok in tokens:
        if tok.pos == "ns" and 2 <= len(tok.word) <= 4 and not any(x < tok.end and tok.start < y for x, y in taken):
            full = [n for n in (tok.word + "市", tok.word + "区", tok.word + "县") if gazetteer.lookup(n)]
            if len(full) == 1 and len(gazetteer.lookup(full[0])) == 1 and s[tok.end:tok.end + 1] not in "市区县省路街道镇乡村" \
                    and not s.startswith(UNIT_SUFFIXES, tok.end):
                level = gazetteer.lookup(full[0])[0].level
                out.append(Span("place", offset + tok.start, offset + tok.end, tok.word, full[0], attrs(level=level, gaz=True)))
                taken.append((tok.start, tok.end))
    # county-level places the gazetteer lacks: a place-name token before 县/市/区/旗 (临江|县总工会), or a 县 token
    for tok in tokens:
        if any(x < tok.end and tok.start < y for x, y in taken) or not all(is_cjk(c) for c in tok.word):
            continue
        nxt = s[tok.end:tok.end + 1]
        if tok.pos == "ns" and 2 <= len(tok.word) <= 4 and nxt in COUNTY_SUFFIX and tok.word[-1] not in COUNTY_SUFFIX:
            name, end = tok.word + nxt, tok.end + 1
        elif tok.pos in ("ns", "nr", "n") and 3 <= len(tok.word) <= 5 and tok.word[-1] in "县旗" and tok.word not in NOT_COUNTY:
            name, end = tok.word, tok.end
        else:
            continue
        if gazetteer.lookup(name) or s[end:end + 1] in "城":
            continue
        out.append(Span("place", offset + tok.start, offset + end, name, name, attrs(level=COUNTY_SUFFIX[name[-1]])))
        taken.append((tok.start, end))
    last_suffix_end = 0
    for m in re.finditer("|".join(UNIT_SUFFIXES), s):
        a, b = m.start(), m.end()
        floor0 = last_suffix_end
        if not s.startswith(UNIT_SUFFIXES, b):  # 黄村镇: 村 right before 镇 is part of the name
            last_suffix_end = b
        if any(x <= a < y for x, y in taken):
            continue
        rest = s[b:b + 3]
        if any(rest.startswith(w) for w in NOT_PLACE_AFTER) or any(rest.startswith(u) for u in ("社区", "街道")):
            continue
        floor = max([y for x, y in taken if y <= a] + [floor0])
        start = extend_left(s, tokens, a, floor, 5 if m.group(0) in ("街道", "社区") else 4)
        if start - floor == 1 and floor > 0 and is_cjk(s[floor]) and any(y == floor for _, y in taken):
            start = floor  # right after a known place, the whole run is the name (李沧区|浮山路街道)
        core = s[start:a]
        if len(core) < 2 or core[-1] in "的了和与及在到":
            continue
        level = lexicon.admin_suffixes()[m.group(0)]
        out.append(Span("place", offset + start, offset + b, s[start:b], s[start:b], attrs(level=level)))
        taken.append((start, b))
    return sorted(out, key=lambda p: p.start)


# ------------------------------------------------------------------ organizations
def find_orgs(s: str, tokens, offset: int, places: list[Span], blocked: list[tuple[int, int]]) -> list[Span]:
    """Find organizations ending in a known suffix (总工会, 党委, 医院 ...), with their left extent."""
    suffixes = lexicon.org_suffixes()
    matches = longest_matches(_org_suffix_matcher(), s)
    out: list[Span] = []
    for a, b, suf in matches:
        if any(x < b and a < y for x, y in blocked):
            continue
        nxt = s[b:b + 2]
        if suf in ("局", "委员会", "人大", "政协") and nxt[:1] and is_cjk(nxt[0]) and nxt[0] not in "党主副常委书":
            if not (suf == "政协" and s.find("委员会", b, b + 14) > 0):
                continue  # 局部, 人大代表 ...
        if suf == "政协" and s.find("委员会", b, b + 14) > 0:
            continue  # 政协…委员会 is matched by its 委员会
        start = extend_left(s, tokens, a, 0, 16)
        if start + 1 == a and (t0 := token_at(tokens, start)) is not None and t0.pos == "a":
            start = a  # 发挥好|工会: an adjective right before the suffix is no name (大|北街社区党支部 is)
        if suf == "委员会" and s[max(0, start - 2):start] == "政协":
            start -= 2
        if start == a or start < a and s[start] in "区市县镇" and start + 1 == a:
            # a list item the tagger splits (区中医结合医院): take the segment back to the separator
            sep = max(s.rfind(ch, 0, a) for ch in "、，,。；;：:（(“") + 1
            seg = s[sep:a]
            if 1 <= len(seg) <= 10 and seg[0] in "区市县镇" and all(is_cjk(c) for c in seg):
                start = sep
        m_branch = re.match(r"(南区|北区|东区|西区|分院|院区|分公司|分会|支行|分行)", s[b:b + 3])
        if m_branch and suffixes[suf] in ("medical", "enterprise", "association"):
            b += len(m_branch.group(0))  # 广安门医院南区: a campus is named with its hospital
        name = s[start:b]
        if suf == "局" and (len(name) < 4 or s[b - 2:b] in GAME_WORDS):
            continue  # 胜局, 开局, 大局: a game or a situation, not a bureau
        if name.startswith(("各", "全")) or re.search(r"[两三四五各多]级", name):
            continue  # 市、镇两级工会: levels, not one organization
        out.append(Span("org", offset + start, offset + b, name, name, attrs(suffix=suf, kind=suffixes[suf])))
    # a committee inside one of its departments (区委 in 区委编办) is not a mention of its own
    departments = ("编办", "组织部", "宣传部", "统战部", "纪委")
    out = [o for o in out if not any(p is not o and p.start == o.start and p.end > o.end
                                     and p.text.endswith(departments) for p in out)]
    return out


def org_kind(name: str) -> str:
    """Return the kind of an organization from its name (政协 first, then the longest suffix)."""
    if name.startswith("政协") or name.endswith("政协"):
        return "cppcc"
    if name.startswith("中共") and name.endswith("委员会"):
        return "party"
    suffixes = lexicon.org_suffixes()
    best = ""
    for suf in suffixes:
        if name.endswith(suf) and len(suf) > len(best):
            best = suf
    return suffixes.get(best, "other")


# ------------------------------------------------------------------ people
def _surname_ok(name: str) -> bool:
    sn = lexicon.surnames()
    return name[:1] in sn or name[:2] in sn


def name_at(s: str, tokens, i: int) -> str | None:
    """Return a personal name starting at local offset ``i`` (2-3 characters, known surname), or None."""
    if i >= len(s) or not is_cjk(s[i]) or s[i] in FUNCTION_CHARS:
        return None
    tok = token_at(tokens, i)
    cand = None
    if tok is not None and tok.start == i:
        w = tok.word
        if 2 <= len(w) <= 3 and all(is_cjk(c) for c in w) and _surname_ok(w):
            cand = w
        elif len(w) == 1 and _surname_ok(w) and w not in FUNCTION_CHARS:
            nxt = token_at(tokens, i + 1)
            if nxt is not None and nxt.start == i + 1 and 1 <= len(nxt.word) <= 2 and all(is_cjk(c) for c in nxt.word):
                cand = w + nxt.word
        elif len(w) == 4 and w[:3] and _surname_ok(w) and w[3] in NAME_STOP:
            cand = w[:3]
    if cand is None:
        chunk = s[i:i + 3]
        if len(chunk) >= 2 and _surname_ok(chunk) and all(is_cjk(c) for c in chunk[:2]) and chunk[1] not in NAME_STOP:
            cand = chunk[:2] if len(chunk) < 3 or chunk[2] in NAME_STOP or not is_cjk(chunk[2]) else chunk
    if cand is None:
        return None
    if tok is not None and tok.start == i and len(tok.word) == 1 and tok.word in FUNCTION_CHARS:
        return None
    if tok is not None and tok.start == i and len(tok.word) >= 2 and (tok.pos[:1] in ("v", "d", "a", "c", "p", "u", "r", "t", "m", "q", "f")
                                               or tok.word == cand and tok.pos in ("n", "vn", "an", "l", "i", "j")):
        return None  # a common word (关心, 相关, 都详细, 干部), not a name
    if cand in lexicon.titles() or cand in lexicon.groups() or cand[-1] in "市区县镇乡村局委会院":
        return None
    rest = s[i + len(cand):i + len(cand) + 2]
    if rest[:1] and is_cjk(rest[0]) and rest[0] not in NAME_STOP and not rest.startswith(SPEECH_VERBS) \
            and not any(rest.startswith(t) for t in ("书记", "主席", "主任", "同志", "老人", "家", "一")):
        # a name is followed by a separator, a verb of speech or action, or a title
        tail_tok = token_at(tokens, i + len(cand))
        if tail_tok is None or tail_tok.pos not in ("v", "d", "p", "c", "f", "u", "uj", "ul", "r", "m", "vn", "t", "n"):
            return None
    return cand


def find_titles(s: str, orgs: list[Span], offset: int) -> list[tuple[int, int, str]]:
    """Return title matches (local offsets) that do not overlap organizations."""
    org_local = [(o.start - offset, o.end - offset) for o in orgs]
    out = []
    for a, b, w in longest_matches(_title_matcher(), s):
        if any(x < b and a < y for x, y in org_local):
            continue
        out.append((a, b, w))
    return out
