"""Money, goods, counted groups and dates in one sentence."""
from __future__ import annotations

import re

from kg import lexicon
from kg.extract.common import NUM_RE, Span, attrs, fold, longest_matches, parse_number
from kg.extract.mentions import _goods_matcher, _group_matcher

_MULT = {"万": 1e4, "千": 1e3, "百": 1e2, "亿": 1e8}
_MONEY = re.compile(
    rf"(?P<pre>近|约|超过|逾|共计|共|累计|总计)?(?P<num>{NUM_RE})(?P<more>多|余)?(?P<mult>亿|万|千)?(?P<more2>多|余)?元(?![旦捐])"
    rf"(?:(?P<sep>到|至|-|—|~|～)(?P<num2>{NUM_RE})(?P<more3>多|余)?(?P<mult2>亿|万|千)?元)?"
)
_RANGE = re.compile(
    rf"(?P<num>{NUM_RE})(?P<mult>亿|万|千)?元?(?:到|至|-|—|~|～)(?P<num2>{NUM_RE})(?P<more>多|余)?(?P<mult2>亿|万|千)?元(?![旦捐])"
)
_PURPOSE = re.compile(r"(慰问金|救助金|补助金|补助款|应急款|帮扶金|帮扶资金|慰问款|救助款|资金|善款|捐款|奖励金|助学金|帮扶款|专项资金)")
_PER_PERSON = re.compile(r"(每人|每名|每户|每位|人均|户均|每个)")
_UNITS = "箱|台|份|袋|桶|件|套|床|条|个|盒|斤|公斤|千克|吨|瓶|包|张|辆|批|双|顶|只|提|壶|册|本|块|桶"
_COUNT_AFTER = re.compile(rf"(?P<num>{NUM_RE})(?P<mult>万)?(?P<more>多|余)?(?:名|户|位|个|人次|人)")
_COUNT_TAIL = re.compile(rf"^(?:共计|共)?(?P<num>{NUM_RE})(?P<mult>万)?(?:多|余)?(?:人次|名|户|人|位)")
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:(?:至|到|-|—|～|~)(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日)?(?P<since>起)?"
)


def _purpose(f: str, start: int, end: int) -> str | None:
    """Return the purpose word of an amount: the one right after it (…元慰问金), else the nearest before it."""
    after = _PURPOSE.match(f, end)
    if after:
        return after.group(0)
    before = list(_PURPOSE.finditer(f[max(0, start - 14):start]))
    return before[-1].group(0) if before else None


def find_money(s: str, offset: int) -> list[Span]:
    """Find amounts in yuan: value or min/max, approximate, per person, purpose."""
    f = fold(s)
    out = []
    ranges = []
    for m in _RANGE.finditer(f):
        lo, hi = parse_number(m.group("num")), parse_number(m.group("num2"))
        if lo is None or hi is None:
            continue
        hi_mult = _MULT.get(m.group("mult2") or "", 1)
        lo *= _MULT.get(m.group("mult") or "", 1) if m.group("mult") else hi_mult
        hi *= hi_mult
        if lo >= hi:
            continue
        ranges.append((m.start(), m.end()))
        window = f[max(0, m.start() - 14):m.start()]
        purpose = _purpose(f, m.start(), m.end())
        text = s[m.start():m.end()]
        out.append(Span("money", offset + m.start(), offset + m.end(), text, text,
                        attrs(min=lo, max=hi, approximate=bool(m.group("more")),
                              per_person=bool(_PER_PERSON.search(window)), purpose=purpose)))
    for m in _MONEY.finditer(f):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in ranges):
            continue
        v = parse_number(m.group("num"))
        if v is None:
            continue
        if m.group("num")[-1:] in "一十" and len(m.group("num")) == 1 and f[m.end():m.end() + 1] == "捐":
            continue
        v *= _MULT.get(m.group("mult") or "", 1)
        approx = bool(m.group("more") or m.group("more2") or m.group("pre") in ("近", "约", "超过", "逾"))
        lo = hi = None
        if m.group("num2"):
            v2 = parse_number(m.group("num2"))
            if v2 is not None:
                lo, hi = v, v2 * _MULT.get(m.group("mult2") or "", 1)
                approx = approx or bool(m.group("more3"))
        window = f[max(0, m.start() - 14):m.start()]
        per = bool(_PER_PERSON.search(window)) and m.group("pre") not in ("共计", "共", "累计", "总计")
        purpose = _purpose(f, m.start(), m.end())
        if f[m.end():m.end() + 3] == "的慰问品" or f[m.end():m.end() + 1] == "的" and "价值" in window[-3:]:
            purpose = purpose or "慰问品"
        text = s[m.start():m.end()]
        out.append(Span("money", offset + m.start(), offset + m.end(), text, text,
                        attrs(value=None if lo is not None else v, min=lo, max=hi, approximate=approx,
                              per_person=per, purpose=purpose)))
    return out


def _count(m) -> float | None:
    n = parse_number(m.group("num"))
    return n * 10000 if n is not None and m.group("mult") else n


def find_groups(s: str, offset: int, blocked: list[tuple[int, int]]) -> list[Span]:
    """Find beneficiary groups from the lexicon, with a count when the text gives one (15名大病职工, 困难职工183人)."""
    table = lexicon.groups()
    f = fold(s)
    out = []
    for a, b, w in longest_matches(_group_matcher(), s):
        if any(x < b and a < y for x, y in blocked):
            continue
        count = None
        before = f[max(0, a - 10):a]
        m = None
        for m in _COUNT_AFTER.finditer(before):
            pass
        if m is not None and m.end() >= len(before) - 6:
            gap = before[m.end():]
            if not re.search(r"[，。、,；;]", gap):
                count = _count(m)
        if count is None:
            t = _COUNT_TAIL.match(f[b:b + 12])
            if t:
                count = _count(t)
        if count is not None and count != int(count):
            count = None
        out.append(Span("group", offset + a, offset + b, w, table[w], attrs(count=int(count) if count else None)))
    # "困难及大病职工": a coordination sharing the head word
    for m in re.finditer(r"(困难|大病|特困|患病)(及|和|、)(困难|大病|特困|患病)(职工|群众|党员)", s):
        for head in (m.group(1) + m.group(4), m.group(3) + m.group(4)):
            if head in table and not any(g.start <= offset + m.start() < g.end and g.name == table[head] for g in out):
                out.append(Span("group", offset + m.start(), offset + m.end(), m.group(0), table[head], attrs()))
    # bare 家属 after a group: that group's families (职工及家属 -> 大病职工家属), when the lexicon knows them
    for m in re.finditer("家属", s):
        a = m.start()
        if any(g.start - offset <= a < g.end - offset for g in out):
            continue
        prev = [g for g in out if g.end - offset <= a and not g.name.endswith("家属")]
        if prev and prev[-1].name + "家属" in table:
            out.append(Span("group", offset + a, offset + m.end(), "家属", table[prev[-1].name + "家属"], attrs()))
    return sorted(out, key=lambda g: (g.start, g.name))


def find_goods(s: str, offset: int, money: list[Span]) -> list[Span]:
    """Find goods: item + quantity + unit (方便面800箱), quantity + unit + item (110份…“暖心服务包”), or lists."""
    items, cats = lexicon.goods()
    f = fold(s)
    money_local = [(m.start - offset, m.end - offset) for m in money]
    found = [m for m in longest_matches(_goods_matcher(), s) if not any(x < m[1] and m[0] < y for x, y in money_local)]
    out = []
    has_item = any(w in items for _, _, w in found)
    for a, b, w in found:
        if w in cats and has_item:
            continue
        if w in ("面", "油", "米") and not re.search(r"[、和及]", s[max(0, a - 1):a] + s[b:b + 1]):
            if not (a > 0 and s[a - 1] in "米面油") and not (b < len(s) and s[b] in "米面油、"):
                continue  # a single-character good only inside a list (米、面、油)
        qty = unit = None
        m = re.match(rf"(?:共计|共|各)?(?P<num>{NUM_RE})(?P<unit>{_UNITS})", f[b:b + 10])
        if m:
            qty, unit = parse_number(m.group("num")), m.group("unit")
        else:
            back = f[max(0, a - 40):a]
            mm = None
            for mm in re.finditer(rf"(?P<num>{NUM_RE})(?P<unit>{_UNITS})", back):
                pass
            gap = back[mm.end():] if mm is not None else ""
            quoted = a > 0 and s[a - 1] in "“\""
            if mm is not None and not re.search(r"[，。；,;]", gap) and (quoted and gap.endswith(("“", "\"")) or len(gap) <= 2):
                qty, unit = parse_number(mm.group("num")), mm.group("unit")
        out.append(Span("goods", offset + a, offset + b, w, w, attrs(quantity=qty, unit=unit)))
    return out


def find_dates(s: str, offset: int) -> list[Span]:
    """Find dates: 1月30日, 1月13日至16日, 2月21日起, with the year when written."""
    f = fold(s)
    out = []
    for m in _DATE.finditer(f):
        mo, d = int(m.group("m")), int(m.group("d"))
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        end = None
        if m.group("d2"):
            mo2 = int(m.group("m2") or mo)
            d2 = int(m.group("d2"))
            if 1 <= mo2 <= 12 and 1 <= d2 <= 31:
                end = (mo2, d2)
        y = int(m.group("y")) if m.group("y") else None
        out.append(Span("date", offset + m.start(), offset + m.end(), s[m.start():m.end()], "",
                        attrs(year=y, month=mo, day=d, end=end, since=bool(m.group("since")))))
    return out
