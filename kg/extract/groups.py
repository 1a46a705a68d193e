"""Beneficiary groups as the text names them: known categories (劳动模范, 烈属) and open-vocabulary
groups made of a modifier and a head noun (空巢|老人, 困境|儿童, 低保边缘|户), with their counts."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from kg import lexicon
from kg.extract.text import MAX_COUNT, Tokens, build_matcher, fold, is_cjk, longest_matches, parse_number
from kg.model import GroupMention


@lru_cache(maxsize=1)
def _lexicon_matcher():
    return build_matcher(lexicon.groups())


@lru_cache(maxsize=1)
def _trigger_re():
    import re

    return re.compile(lexicon.alternation(lexicon.triggers()))


@lru_cache(maxsize=1)
def _head_matcher():
    return build_matcher(lexicon.group_heads())


def canonical_group(surface: str) -> str:
    """Return the canonical name of a group surface form: a listed variant's category, else the form itself
    without a plural 们 and without a modifier ending in 的 (有需求的老人 -> 老人)."""
    table = lexicon.groups()
    s = surface
    for suf in lexicon.words("group_plural"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            s = s[: -len(suf)]
    if s in table:
        return table[s]
    if "的" in s:  # 有需求的老人 -> 老人 (the modifier stays in the surface form); 医务人员的家属 -> 医务人员家属
        pre, head = s.rsplit("的", 1)
        s = pre + head if head in lexicon.words("relational_heads") or pre in lexicon.words("group_institution") else head
    return table.get(s, s)


def group_rule(surface: str, name: str) -> str:
    """Return the rule that gave a group surface form its canonical name: a variant listed in
    kg/data/groups.tsv (患病职工 -> 大病职工) is ``group lexicon``, any other change (a plural 们, a
    modifier with 的) is ``normalized``."""
    table = lexicon.groups()
    s = surface
    for suf in lexicon.words("group_plural"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            s = s[: -len(suf)]
    return "group lexicon" if table.get(s) == name and s != name else "normalized"


def find_groups(s: str, tokens: Tokens, offset: int, blocked=()) -> list[GroupMention]:
    """Return the beneficiary groups of ``s`` (absolute offsets), never inside ``blocked`` spans (local)."""
    spans: list[tuple[int, int]] = []
    listed: set[tuple[int, int]] = set()
    for a, b, _ in longest_matches(_lexicon_matcher(), s):
        spans.append((a, b))
        listed.add((a, b))
    weak = lexicon.words("weak_group_heads")
    trig = [(m.start(), m.end()) for m in _trigger_re().finditer(s)]
    for a, b, head in longest_matches(_head_matcher(), s):
        if any(x < b and a < y and not (x <= a and b <= y and (x, y) == (a, b)) for x, y in trig):
            continue  # 入户 holds no 户
        if not tokens.is_boundary(b) and not any(s.startswith(w, b) for w in lexicon.words("group_plural")):
            continue  # 务工人|员: the head ends inside a word
        if head in lexicon.words("household_heads") and lexicon.pattern("household_not_group_after").match(s, b):
            continue  # 家庭|生活情况, 家庭|收入: the household's life or means, not a group of households
        start = _modifier_start(s, tokens, a, head)
        if start == a and head in lexicon.words("head_needs_modifier"):
            continue
        w = start if lexicon.pattern("age_modifier").match(fold(s), start) else _welfare_start(s, start, a)
        if w is None:
            if head in weak:
                continue
            w = start if a - start <= 4 else a  # a long modifier without a welfare word is the sentence
        elif w - start == 1 and s[start] in lexicon.words("group_lead_char"):
            w = start  # 老|复员军人: a one-character modifier before the welfare word belongs to the name
        start = w
        if start == a and head in lexicon.words("head_needs_modifier"):
            continue
        spans.append((start, b))
    spans = _longest(spans)
    out = []
    for a, b in spans:
        a = max([a] + [y for x, y in blocked if x < a < y or x <= a < y])  # never into a place or body
        a = _drop_determiners(s, a, b)
        b = _with_plural(s, b)
        text = s[a:b]
        if any(x < b and a < y for x, y in blocked) or text in lexicon.words("not_groups") or len(text) < 2:
            continue
        if (a, b) not in listed and any(text.endswith(w) for w in lexicon.words("not_group_endings")):
            continue
        count, approx = _count(s, a, b)
        out.append(GroupMention("group", offset + a, offset + b, text, canonical_group(text), count, approx))
    out += _families(s, offset, out)
    coord = _coordinated(s, offset, out, blocked)
    out = [g for g in out if not any(c.start == g.start and c.end == g.end for c in coord)] + coord
    out = [g for g in out if not any(c.start <= g.start and g.end <= c.end and g is not c and c.text != g.text for c in coord)] \
        if coord else out
    return sorted(_list_counts(s, offset, out), key=lambda g: (g.start, g.end, g.name))


def _welfare_start(s: str, start: int, a: int) -> int | None:
    """For a weak head (户, 家庭, 人员) keep the modifier from its first welfare word on (助力|受灾群众), or None
    when it has none (客户, 工作人员)."""
    markers = {w for w in lexicon.words("welfare_markers") | lexicon.words("group_modifier_ok") if len(w) > 1}
    for i in range(start, a):
        if s[i] == "的" and "的" not in s[start:i]:
            if any(s.startswith(w, k) for k in range(start, i) for w in markers):
                return start  # 生活困难的职工: the welfare word is in the 的-modifier
            return i + 1 if i + 1 < a else None
        if any(s.startswith(w, i) and i + len(w) <= a for w in markers):
            if i > start + 1 and any(s.endswith(h, start, i) for h in lexicon.group_heads()):
                return start  # 治安队员|读书子女: the people whose children they are stay in the name
            return i
    return None


def _longest(spans):
    """Keep the longest of overlapping spans (困难职工家庭高中生 over 职工, 家庭)."""
    spans = sorted(set(spans), key=lambda x: (-(x[1] - x[0]), x[0]))
    kept = []
    for a, b in spans:
        if all(b <= x or a >= y for x, y in kept):
            kept.append((a, b))
    return sorted(kept)


def _modifier_start(s: str, tokens: Tokens, a: int, head: str = "") -> int:
    """Walk left from a head noun over its modifier (空巢, 困难职工家庭, 60岁以上); stop at verbs of the
    story, prepositions, separators, counts and determiners. A modifier ending in 的 is kept when short."""
    breaks = lexicon.words("group_break") | frozenset(lexicon.triggers())
    if head in lexicon.words("object_heads"):  # 大病救助对象, 纾困帮扶对象: the trigger names the category here
        breaks = breaks - frozenset(lexicon.triggers()) - lexicon.words("welfare_verbs")
    age = lexicon.pattern("age_before_head").search(fold(s[:a]))
    if age:
        return age.start()  # 60岁以上老人, 70周岁以上的
    j = a
    while j > 0 and a - j < 8:
        ch = s[j - 1]
        if ch == "的":
            k = pre = j - 1
            while k > 0 and pre - k < 6 and is_cjk(s[k - 1]) and s[k - 1] != "的" \
                    and not any(s.endswith(w, 0, k) for w in breaks):
                k -= 1
            if 0 < pre - k and not any(w in s[k:pre] for w in lexicon.words("group_break_inside")):
                j = k
            break
        if fold(ch).isdigit():  # an age: 60岁以上老人
            k = j
            while k > 0 and fold(s[k - 1]).isdigit():
                k -= 1
            if lexicon.pattern("age_modifier").fullmatch(fold(s[k:a])):
                j = k
            break
        ok = next((w for w in sorted(lexicon.words("group_modifier_ok") | lexicon.words("group_institution"), key=len, reverse=True)
                   if len(w) > 1 and s.endswith(w, 0, j)), None)
        if ok:  # a modifier word of the genre (在档, 留守, 建档立卡) is taken whole
            j -= len(ok)
            continue
        if not is_cjk(ch) or any(s.endswith(w, 0, j) for w in breaks):
            break
        if head not in lexicon.words("relational_heads") and any(s.endswith(h, 0, j) for h in lexicon.words("stop_heads")) \
                and not any(s.startswith(r, j) for r in lexicon.words("relational_heads")):
            break  # 留守儿童|特困学生: two groups side by side (困难职工家庭|高中生 is one)
        tok = tokens.ending_at(j)
        if tok is not None and tok.word in lexicon.words("welfare_verbs") and head in lexicon.words("object_heads") \
                and _modifier_before(s, tokens, j - len(tok.word), breaks):
            j -= len(tok.word)  # 一般性慰问|对象, 纾困帮扶|对象: the welfare verb names the category
            continue
        if tok is not None and tok.word not in lexicon.words("group_modifier_ok") and \
                (tok.pos in lexicon.words("group_break_pos") or len(tok.word) > 1 and (
                    tok.pos.startswith("nr") or tok.pos.startswith("ns") and _known_place(tok.word))):
            break
        j -= 1
    return j


def _modifier_before(s: str, tokens: Tokens, j: int, breaks) -> bool:
    """True when a modifier word ends at ``j`` (一般性|慰问对象), not a verb or a separator (走访|慰问对象,
    为|帮扶对象): only then is a welfare verb before a head part of the group's name."""
    if any(len(w) > 1 and s.endswith(w, 0, j) for w in lexicon.words("group_modifier_ok")):
        return True
    tok = tokens.ending_at(j)
    if tok is None or not all(is_cjk(ch) for ch in tok.word) or tok.word in breaks:
        return False
    return tok.word in lexicon.words("group_modifier_ok") or tok.pos not in lexicon.words("group_break_pos")


def _known_place(word: str) -> bool:
    """A place the gazetteer knows (西山村 is a modifier's end; 治安, tagged a place name, is not one)."""
    from kg import gazetteer

    return any(gazetteer.lookup(word + x) for x in ("", *sorted(lexicon.words("bare_place_suffixes"))))


def _drop_determiners(s: str, a: int, b: int) -> int:
    """Drop 辖区, 全县, 广大, 部分 and the like before a group: they say where or how many, not which."""
    changed = True
    while changed:
        changed = False
        for w in sorted(lexicon.words("group_determiner"), key=len, reverse=True):
            if s.startswith(w, a) and b - a - len(w) >= 2:
                a += len(w)
                changed = True
                break
    return a


def _with_plural(s: str, b: int) -> int:
    for w in lexicon.words("group_plural"):
        if s.startswith(w, b):
            return b + len(w)
    return b


def _count(s: str, a: int, b: int) -> tuple[int | None, bool]:
    """Return the count the text gives a group: 15名大病职工, 大病职工15人, 低保家庭350户766人."""
    f = fold(s)
    before = f[max(0, a - 12):a]
    m = next(reversed(list(lexicon.pattern("count_before").finditer(before))), None)  # the last match
    if m is not None and m.end() == len(before):
        n = _number(m)
        if n is not None:
            return n, bool(m.group("more"))
    k = a if a and s[a - 1] == "的" else s.rfind("的", a, b) + 1 if "的" in s[a:b] else None
    if k:  # 4户申请救助的|重疾家庭, 12名家住|山区的留守儿童: a count before a 的-modifier of the group
        back = f[max(0, k - 30):k]
        m = next(reversed(list(lexicon.pattern("count_before_modifier").finditer(back))), None)
        if m is not None and m.end() == len(back):
            n = _number(m)
            if n is not None:
                return n, bool(m.group("more"))
    t = lexicon.pattern("count_after").match(f, b)
    if t:
        n = _number(t)
        if n is not None:
            return n, bool(t.group("more"))
    return None, False


def _number(m) -> int | None:
    n = parse_number(m.group("num"))
    if n is None:
        return None
    if m.group("mult"):
        n *= 10000
    return int(n) if 0 < n <= MAX_COUNT and n == int(n) else None


def _families(s: str, offset: int, found: list[GroupMention]) -> list[GroupMention]:
    """A bare 家属 after a group: that group's families (大病职工及家属 -> 大病职工家属)."""
    out = []
    for m in lexicon.pattern("family_after_group").finditer(s):
        a = m.start("fam")
        if any(g.start - offset <= a < g.end - offset for g in found):
            continue
        prev = [g for g in found if g.end - offset <= m.start() + 1 and g.end - offset >= m.start() - 1]
        if prev and not prev[-1].name.endswith(m.group("fam")):
            name = canonical_group(prev[-1].name + m.group("fam"))
            start = prev[-1].start - offset
            out.append(GroupMention("group", offset + start, offset + m.end("fam"), s[start:m.end("fam")], name))
    for g in list(found):  # 医务人员的家属 -> 医务人员家属: a group's families are a group of their own
        m = lexicon.pattern("family_of_group").match(s, g.end - offset)
        if m and not any(x.start - offset <= m.start("fam") < x.end - offset for x in found if x is not g):
            found.remove(g)
            out.append(GroupMention("group", g.start, offset + m.end(), s[g.start - offset:m.end()],
                                    canonical_group(g.name + m.group("fam")), g.count, g.approximate))
    return out


def _coordinated(s: str, offset: int, found: list[GroupMention], blocked) -> list[GroupMention]:
    """Groups that share a head noun: 困难及大病职工 -> 困难职工, 大病职工."""
    out = []
    for m in lexicon.pattern("group_coordination").finditer(s):
        head = m.group("head") or m.group("xhead")
        mods = (m.group("m1"), m.group("m2")) if m.group("head") else (m.group("x1"), m.group("x2"))
        count, approx = _count(s, m.start(), m.end())
        for k, mod in enumerate(mods):
            name = mod + head
            if any(x < m.end() and m.start() < y for x, y in blocked):
                continue
            first = k == 0  # a count of a coordination belongs to its first group (困难及大病职工31户)
            out.append(GroupMention("group", offset + m.start(), offset + m.end(), m.group(0), canonical_group(name),
                                    count if first else None, approx and first))
    return out


def _list_counts(s: str, offset: int, groups: list[GroupMention]) -> list[GroupMention]:
    """A count after a list of groups is the list's first group's (慰问困难职工、困难环卫工人和困难群众60人:
    60 困难职工), unless the others have counts of their own."""
    groups = sorted(groups, key=lambda g: g.start)
    runs, run = [], []
    for g in groups:
        if run and s[run[-1].end - offset:g.start - offset] in lexicon.words("group_list_joiners"):
            run.append(g)
        else:
            if len(run) > 1:
                runs.append(run)
            run = [g]
    if len(run) > 1:
        runs.append(run)
    out = list(groups)
    for run in runs:
        last = run[-1]
        if last.count is not None and all(g.count is None for g in run[:-1]) and \
                lexicon.pattern("count_after").match(fold(s), last.end - offset):
            i, j = out.index(run[0]), out.index(last)
            out[i] = replace(run[0], count=last.count, approximate=last.approximate)
            out[j] = replace(last, count=None, approximate=False)
    return out
