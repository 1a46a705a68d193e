"""Money and goods in one sentence: amounts in yuan (values, ranges, minimums, per person, in kind) and
goods found by the shape of the phrase (送去 + items, NUM + unit + item, item + NUM + unit) and a lexicon."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from kg import lexicon
from kg.extract.text import MAX_COUNT, Tokens, build_matcher, cjk_only, fold, longest_matches, parse_number
from kg.model import GoodsMention, MoneyMention

MAX_YUAN = Decimal(10) ** 13  # larger amounts are misreadings, not money
_BARE_MULT = {"千": 10 ** 3, "万": 10 ** 4, "亿": 10 ** 8}


def _mult(m, name: str) -> Decimal:
    w = m.group(name) if name in m.groupdict() else None
    return Decimal({**_BARE_MULT, "百": 10 ** 2}.get(w or "", 1))


def _purpose(f: str, start: int, end: int) -> str | None:
    """The purpose word of an amount: the one right after it (…元慰问金), else the nearest before it."""
    pat = lexicon.pattern("money_purpose")
    after = pat.match(f, end)
    if after:
        return after.group(0)
    before = list(pat.finditer(f[max(0, start - 14):start]))
    return before[-1].group(0) if before else None


def find_money(s: str, offset: int) -> list[MoneyMention]:
    """Return amounts in yuan: a value or min/max, approximate, per person, in kind, purpose."""
    f = fold(s)
    out: list[MoneyMention] = []
    taken: list[tuple[int, int]] = []
    for m in lexicon.pattern("money_range").finditer(f):
        lo, hi = parse_number(m.group("num")), parse_number(m.group("num2"))
        if lo is None or hi is None:
            continue
        hi_mult = _mult(m, "mult2")
        lo = lo * (_mult(m, "mult") if m.group("mult") else hi_mult)
        hi = hi * hi_mult
        if lo >= hi or hi > MAX_YUAN:
            continue
        taken.append((m.start(), m.end()))
        out.append(_money(s, f, m.start(), m.end(), offset, None, lo, hi, bool(m.group("more"))))
    for m in lexicon.pattern("money").finditer(f):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
            continue
        v = parse_number(m.group("num"))
        if v is None and m.group("pre") in lexicon.words("approx_prefix") and m.group("num") in _BARE_MULT:
            v = Decimal(_BARE_MULT[m.group("num")])  # 价值近万元, 约千元: about one unit of the multiplier
        if v is None or lexicon.pattern("money_not").match(f, m.end()) or _nominal(f, m):
            continue
        v *= _mult(m, "mult")
        if v <= 0 or v > MAX_YUAN:
            continue
        approx = bool(m.group("more") or m.group("more2") or m.group("pre") in lexicon.words("approx_prefix"))
        minimum = m.group("pre") in lexicon.words("minimum_prefix")
        out.append(_money(s, f, m.start(), m.end(), offset, None if minimum else v, v if minimum else None, None,
                          approx, total=m.group("pre") in lexicon.words("total_prefix")))
    return sorted(out, key=lambda x: x.start)


def _nominal(f: str, m) -> bool:
    """一元捐, 十元捐: the name of a campaign, not an amount."""
    return len(m.group("num")) == 1 and f[m.end():m.end() + 1] in lexicon.words("nominal_after")


def _money(s, f, a, b, offset, value, lo, hi, approx, total=False) -> MoneyMention:
    window = f[max(0, a - 14):a]
    per = bool(lexicon.pattern("per_person").search(window)) and not total
    purpose = _purpose(f, a, b)
    after = lexicon.pattern("in_kind_after").match(f, b)
    in_kind = bool(lexicon.pattern("in_kind_before").search(f[max(0, a - 8):a])) or bool(after)
    if purpose is None and after:
        purpose = after.group(0).lstrip("的")  # 价值2万元的慰问品: the goods are what the amount is for
    return MoneyMention("money", offset + a, offset + b, s[a:b], value, lo, hi, approx, per, purpose, in_kind)


# ------------------------------------------------------------------ goods
@lru_cache(maxsize=1)
def _goods_matcher():
    items, cats = lexicon.goods()
    return build_matcher(items | cats)


def find_goods(s: str, tokens: Tokens, offset: int, money=(), blocked=()) -> list[GoodsMention]:
    """Return goods: listed items (棉被, 方便面), items in the shape of a gift (NUM+unit+item, item+NUM+unit,
    送去+A、B、C等), and a category word (慰问品) only when no item is named."""
    items, cats = lexicon.goods()
    f = fold(s)
    avoid = [(m.start - offset, m.end - offset) for m in money] + list(blocked)
    spans: dict[tuple[int, int], str] = {}
    for a, b, w in longest_matches(_goods_matcher(), s):
        if len(w) == 1 and not (tokens.is_boundary(a) and tokens.is_boundary(b)):
            continue  # 糯|米, 绿油|油: a character of a longer word
        if not _free(avoid, a, b) or (len(w) == 1 and not _in_list(s, a, b)) or lexicon.pattern("not_goods_after").match(s, b):
            continue  # 元宵|节, 年货|准备情况: a festival named after a food, a topic; no good given
        spans[(a, b)] = w
    for a, b in _shaped_items(s, f, tokens):
        if not _free(avoid, a, b):
            continue
        inner = [k for k in spans if a <= k[0] and k[1] <= b]
        if all(b <= x or a >= y for x, y in spans if (x, y) not in inner):
            for k in inner:  # 精装月饼 over 月饼: the shape names the item in full
                del spans[k]
            spans[(a, b)] = s[a:b]
    contents = _contents_spans(s)
    found = sorted((k, w) for k, w in spans.items() if not any(x <= k[0] < y for x, y in contents))
    has_item = any(w not in cats for _, w in found)
    out = []
    for (a, b), w in found:
        qty, unit = _quantity(s, f, a, b)
        if w in cats and (has_item or not _given_right_before(s, a) and qty is None):
            continue  # 慰问品 only when nothing more specific is named, and as the object of the giving or counted
        if w in lexicon.words("combined_goods") and qty is None:  # 米面油 -> 米, 面, 油
            out += [GoodsMention("goods", offset + a + i, offset + a + i + 1, ch, ch) for i, ch in enumerate(w)]
            continue
        out.append(GoodsMention("goods", offset + a, offset + b, s[a:b], w, qty, unit))
    return _each(s, offset, _summaries(s, offset, out))


def _summaries(s: str, offset: int, goods: list[GoodsMention]) -> list[GoodsMention]:
    """米、面、油等爱心年货, 书包、文具等学习用品: the noun after 等 sums up the items listed before it; it is
    no good of its own unless it is counted."""
    ends = {g.end - offset for g in goods}
    out = []
    for g in goods:
        a = g.start - offset
        k = s.rfind("等", max(0, a - 6), a)
        if g.quantity is None and k >= 0 and k in ends and lexicon.pattern("summary_goods_gap").fullmatch(s[k + 1:a]):
            continue
        out.append(g)
    return out


def _each(s: str, offset: int, goods: list[GoodsMention]) -> list[GoodsMention]:
    """棉衣棉被各一套, 大米、面粉各一袋: a quantity with 各 after a run of items is the quantity of each."""
    out = list(goods)
    seps = lexicon.words("list_sep_char") | {""}
    for i in range(len(out) - 1, 0, -1):
        last = out[i]
        if last.quantity is None or not s.startswith("各", last.end - offset):
            continue
        j = i - 1
        while j >= 0 and out[j].quantity is None and s[out[j].end - offset:out[j + 1].start - offset] in seps:
            out[j] = replace(out[j], quantity=last.quantity, unit=last.unit)
            j -= 1
    return out


def _contents_spans(s: str) -> list[tuple[int, int]]:
    """What a package holds (清凉礼包,内含藿香正气水、清凉油…; 配有洗发水…的服务包): contents, not goods of
    their own. Each span runs from the containment word to the end of its clause."""
    out = []
    for m in lexicon.pattern("goods_contents").finditer(s):
        if lexicon.pattern("contents_of_package").search(s[:m.start()]):
            out.append((m.end(), len(s)))  # 大礼包中除了口罩外，还配备了保温杯: the sentence tells what it holds
            continue
        end = min([i for i in (s.find(ch, m.end()) for ch in "，,。；;的") if i >= 0] or [len(s)])
        out.append((m.end(), end))  # 配有A、B等…的服务包: up to 的, the package itself is a good
    return out


def _given_right_before(s: str, a: int) -> bool:
    """A category word counts when it is the object of a giving verb: 送去慰问品, 发放了慰问物资, 带着…等慰问品."""
    window = s[max(0, a - 12):a]
    return bool(lexicon.pattern("category_goods_before").search(window))


def _free(avoid, a, b) -> bool:
    return not any(x < b and a < y for x, y in avoid)


def _in_list(s: str, a: int, b: int) -> bool:
    """A single-character good (米, 面, 油) only inside a list: 米、面、油, 米面油."""
    seps = lexicon.words("list_sep_char")
    singles = lexicon.words("single_char_goods")
    left, right = s[a - 1:a] if a else "", s[b:b + 1]
    return left in seps or right in seps or left in singles or right in singles


def _shaped_items(s: str, f: str, tokens: Tokens) -> list[tuple[int, int]]:
    """Items found by the shape of the phrase, not a list: NUM+unit+item (40盒精装月饼), item+NUM+unit
    (口罩5.27万个), 送去|捐赠|发放 + A、B和C等 (the items of a gift list)."""
    out = []
    head_ok = lexicon.pattern("goods_item")
    for m in lexicon.pattern("goods_num_unit_item").finditer(f):
        a, b = m.start("item"), m.end("item")
        a, b = _trim_item(s, a, b)
        if "的" in s[a:b]:
            continue  # 一个个爱心满溢的粽子: a description, the item is 粽子
        t = tokens.starting_at(a)
        if t is not None and t.pos.startswith("v") and t.word not in lexicon.goods()[0]:
            continue  # 110份|配有洗发水…的服务包: a verb, the item comes later
        if b - a >= 2 and head_ok.fullmatch(s[a:b]):
            out.append((a, b))
    for m in lexicon.pattern("goods_qty_after").finditer(f):  # item + NUM + unit: the item is the words before
        end = m.start()
        if m.group(0).startswith(tuple(lexicon.words("total_markers"))):
            end = m.start() + len(m.group(0)) - len(m.group(0).lstrip("共计各"))
        best = None
        for k in range(2, 7):
            a = end - k
            if a < 0 or not cjk_only(s[a:end]) or not tokens.is_boundary(a):
                continue
            if any(w in s[a:end] for w in lexicon.words("give_verb") | lexicon.words("name_break") | set(lexicon.triggers())
                   if len(w) > 1):
                break  # 送上|大米20袋: the verb is not part of the item
            t = tokens.starting_at(a)
            if t is not None and len(t.word) == 1 and t.pos[:1] in lexicon.words("item_break_pos"):
                break  # 送|去|方便面, 送|上|大米
            if head_ok.fullmatch(s[a:end]):
                best = (a, end)
        if best:
            out.append(_trim_item(s, *best))
    for m in lexicon.pattern("goods_list").finditer(f):
        pos = m.start("items")
        for part in lexicon.pattern("list_split").split(s[m.start("items"):m.end("items")]):
            a = s.find(part, pos)
            if a < 0:
                continue
            pos = a + len(part)
            a, b = _trim_item(s, a, a + len(part))
            if 2 <= b - a <= 6 and cjk_only(s[a:b]) and head_ok.fullmatch(s[a:b]):
                out.append((a, b))
    return out


def _trim_item(s: str, a: int, b: int) -> tuple[int, int]:
    """Drop quotes, verbs, counts, 了, 的 and gift adjectives around an item (“温暖包” -> 温暖包, 新的书包 -> 书包,
    献上一束鲜花 -> 鲜花)."""
    while a < b and s[a] in "“”\"'《》「」":
        a += 1
    for w in sorted(lexicon.words("give_verb"), key=len, reverse=True):
        if s.startswith(w, a) and b - a - len(w) >= 2:
            a += len(w)
            break
    m = lexicon.pattern("goods_lead_count").match(fold(s), a)
    if m and b - m.end() >= 2:
        a = m.end()
    while b > a and s[b - 1] in "“”\"'《》「」":
        b -= 1
    for w in sorted(lexicon.words("goods_lead_drop"), key=len, reverse=True):
        if s.startswith(w, a) and b - a - len(w) >= 2:
            a += len(w)
    return a, b


def _quantity(s: str, f: str, a: int, b: int) -> tuple[Decimal | None, str | None]:
    """The quantity of an item: right after it (方便面800箱), else just before it (1000份“清凉包”)."""
    m = lexicon.pattern("goods_qty_after").match(f, b) or lexicon.pattern("goods_qty_after_comma").match(f, b)
    if m:
        return _qty(m), m.group("unit")
    back = f[max(0, a - 44):a]
    mm = next(reversed(list(lexicon.pattern("goods_qty_before").finditer(back))), None)  # the last match
    if mm is not None and mm.end() == len(back):
        return _qty(mm), mm.group("unit")
    return None, None


def _qty(m) -> Decimal | None:
    n = parse_number(m.group("num"))
    if n is not None and m.groupdict().get("mult"):
        n *= 10000
    return n if n is not None and 0 < n <= MAX_COUNT else None
