"""Places: gazetteer names (county level and above), county-level names it lacks, and places below the
county named by their suffix (镇, 乡, 街道, 村, 社区)."""
from __future__ import annotations

from functools import lru_cache

from kg import gazetteer, lexicon
from kg.extract.text import Tokens, build_matcher, cjk_only, longest_matches, name_start
from kg.model import PlaceMention

LEVEL_RANK = {"country": -1, "province": 0, "municipality": 0, "city": 1, "county": 2, "district": 2,
              "subdistrict": 3, "town": 3, "township": 3, "community": 4, "village": 4}


@lru_cache(maxsize=1)
def _gaz_matcher():
    names = set(gazetteer.load()) | set(gazetteer.short_forms())
    return build_matcher(n for n in names if len(n) >= 2)


@lru_cache(maxsize=1)
def _unit_matcher():
    return build_matcher(lexicon.words("unit_suffix"))


def rank(level: str | None) -> int:
    """Return how specific a level is: 0 for a province, 4 for a village (-1 when unknown)."""
    return LEVEL_RANK.get(level, -1)


def find_places(s: str, tokens: Tokens, offset: int, blocked=()) -> list[PlaceMention]:
    """Return the places of sentence ``s`` (absolute offsets), never inside a ``blocked`` span (local offsets)."""
    taken = list(blocked)
    out = _gazetteer_places(s, tokens, taken) + _county_places(s, tokens, taken)
    out += _unit_places(s, tokens, taken)  # before names without a suffix: 西陵寺镇 holds no 西陵(区)
    out += _bare_city_places(s, tokens, taken) + _foreign_places(s, tokens, taken)
    out = [p for p in out if not _villager_group(s, p.start, p.end)]
    return sorted((PlaceMention("place", offset + p.start, offset + p.end, p.text, p.name, p.level, p.gazetteer)
                   for p in out), key=lambda p: p.start)


def _villager_group(s: str, a: int, b: int) -> bool:
    """瓦厂村|沙河|组: a name between a village and 组/队 is a villager group of the village, not the city 沙河."""
    return a > 0 and s[a - 1] in lexicon.words("village_end_char") and s[b:b + 1] in lexicon.words("villager_group_char")


def _free(taken, a: int, b: int) -> bool:
    return not any(x < b and a < y for x, y in taken)


def _gazetteer_places(s: str, tokens: Tokens, taken: list) -> list[PlaceMention]:
    out = []
    shorts = gazetteer.short_forms()
    for a, b, w in longest_matches(_gaz_matcher(), s):
        full = shorts.get(w, w)
        found = gazetteer.lookup(full)
        if not found or not _free(taken, a, b):
            continue
        if w in shorts and s[b:b + 1] in lexicon.words("province_suffix_char"):
            continue  # 四川省 is matched in full
        if not tokens.is_boundary(a) and not tokens.is_boundary(b):
            continue  # inside a word (长乐新闻网 holds no 乐新)
        if all(p.former for p in found) and not (tokens.is_boundary(a) and tokens.is_boundary(b)):
            continue  # an old name is a whole word: 新兴市场, 基金牛市 and 欲望城市 name no place
        if len(w) == 2 and common_place_word(w):
            t = tokens.starting_at(a)
            if t is None or t.word != w or t.pos != "ns":
                continue  # 城区, 郊区, 矿区: district names that are common words
        tok = tokens.at(a)
        if tok is not None and tok.start == a and tok.end > b and tok.pos.startswith("nr") and len(tok.word) <= 3:
            continue  # a personal name that starts like a place (吉林 in 吉林生)
        if tok is not None and tok.start == a and tok.end == a + 1 and tok.word in lexicon.words("function_chars"):
            continue  # 乡政府和县教育局: 和 is a conjunction here, not the county 和县
        out.append(PlaceMention("place", a, b, w, full, found[0].level, True))
        taken.append((a, b))
    return out


def _bare_city_places(s: str, tokens: Tokens, taken: list) -> list[PlaceMention]:
    """A city or county named without its suffix (昆明, 眉山): a place-name token the gazetteer knows with one."""
    out = []
    for tok in tokens:
        if tok.pos != "ns" or not 2 <= len(tok.word) <= 4 or not _free(taken, tok.start, tok.end):
            continue
        full = _bare_city(tok.word)
        nxt = s[tok.end:tok.end + 1]
        if full and nxt not in lexicon.words("place_suffix_char") \
                and not any(s.startswith(u, tok.end) for u in lexicon.words("unit_suffix")):
            out.append(PlaceMention("place", tok.start, tok.end, tok.word, full, gazetteer.lookup(full)[0].level, True))
            taken.append((tok.start, tok.end))
    return out


def _bare_city(word: str) -> str | None:
    """The one city, district or county the gazetteer knows by ``word`` without its suffix (昆明 -> 昆明市)."""
    full = [n for n in (word + "市", word + "区", word + "县") if gazetteer.lookup(n)]
    return full[0] if len(full) == 1 and len(gazetteer.lookup(full[0])) == 1 else None


@lru_cache(maxsize=1)
def _foreign_matcher():
    return build_matcher(lexicon.words("foreign_places"))


def _foreign_places(s: str, tokens: Tokens, taken: list) -> list[PlaceMention]:
    """Countries and large foreign cities (加拿大, 温哥华), as whole words."""
    out = []
    for a, b, w in longest_matches(_foreign_matcher(), s):
        if _free(taken, a, b) and tokens.is_boundary(a) and tokens.is_boundary(b):
            out.append(PlaceMention("place", a, b, w, w, "country" if len(w) >= 2 else None))
            taken.append((a, b))
    return out


def _county_places(s: str, tokens: Tokens, taken: list) -> list[PlaceMention]:
    """County-level places the gazetteer lacks (renamed or new): 临江|县总工会, a 3-5 character 县 word."""
    out = []
    county = lexicon.admin_suffixes()
    not_county = lexicon.words("not_county")
    for tok in tokens:
        if not _free(taken, tok.start, tok.end) or not cjk_only(tok.word):
            continue
        nxt = s[tok.end:tok.end + 1]
        if tok.pos == "ns" and 2 <= len(tok.word) <= 4 and nxt in lexicon.words("county_suffix_char") \
                and tok.word[-1] not in lexicon.words("county_suffix_char"):
            name, end = tok.word + nxt, tok.end + 1
        elif tok.pos in ("ns", "nr", "n") and 3 <= len(tok.word) <= 5 and tok.word[-1] in lexicon.words("county_char") \
                and tok.word not in not_county:
            name, end = tok.word, tok.end
        else:
            continue
        if gazetteer.lookup(name) or s[end:end + 1] in lexicon.words("not_county_after") or name[:1] in lexicon.words("not_name_first"):
            continue
        out.append(PlaceMention("place", tok.start, end, name, name, county.get(name[-1])))
        taken.append((tok.start, end))
    return out


def common_place_word(w: str) -> bool:
    """True for a dictionary word that is no place name (农村, 城区), or a listed one."""
    from kg.extract.people import common_word

    return w in lexicon.words("not_place_core") or common_word(w) and not w.endswith(tuple(lexicon.words("unit_suffix")))


def _alone(tokens: Tokens, i: int) -> bool:
    """True when the character at ``i`` is a word of its own (和 the conjunction, not 和 of 和平)."""
    t = tokens.starting_at(i)
    return t is None or len(t.word) == 1


def _split_common(s: str, tokens: Tokens, t, b: int) -> bool:
    """文|城镇|坑美村: a one-character name before a common word (城镇), with a village named right after,
    is a town the tagger split."""
    before = tokens.ending_at(t.start)
    if before is None or len(before.word) != 1 or before.pos not in ("n", "ns", "nr", "j", "ng"):
        return False
    return any(u in s[b:b + 5] for u in lexicon.words("unit_suffix") if len(u) == 1 or u == "社区")


def _unit_places(s: str, tokens: Tokens, taken: list) -> list[PlaceMention]:
    """Places below the county, named by a unit suffix, with the name walked back from it."""
    out = []
    levels = lexicon.admin_suffixes()
    units = lexicon.words("unit_suffix")
    not_after = lexicon.words("not_place_after")
    long_units = lexicon.words("long_unit_suffix")
    last_end = 0
    for a, b, unit in longest_matches(_unit_matcher(), s):
        floor0 = last_end
        if not any(s.startswith(u, b) for u in units):  # 黄村镇: 村 right before 镇 is part of the name
            last_end = b
        if not _free(taken, a, b):
            continue
        if s.endswith(unit, 0, a):
            continue  # 西山村|村委会: the second 村 starts the body's name
        after = b + len(unit) if s.startswith(unit, b) else b  # 西山村|村委会: the office of the village
        office = any(s.startswith(w, after) for w in lexicon.words("unit_office")) and (unit in long_units or not s.startswith("办", after))
        if (any(s.startswith(w, b) for w in not_after) and not office) or any(s.startswith(u, b) for u in long_units):
            continue  # 村办企业 is no village; 团结街道|办事处 is the street's office
        t = tokens.at(a)
        if t is not None and t.start < a and t.end >= b and common_place_word(t.word) and not _split_common(s, tokens, t, b):
            continue  # 农村, 乡村, 城乡, 街镇: the suffix is inside a common word
        floor = max([y for x, y in taken if y <= a] + [floor0])
        start = name_start(s, tokens, a, floor, 5 if unit in long_units else 4)
        if start - floor == 1 and floor > 0 and any(y == floor for _, y in taken):
            start = floor  # right after a known place the whole run is the name (李沧区|浮山路街道)
        core = s[start:a]
        while core and core[0] in lexicon.words("not_name_first") and _alone(tokens, start):
            start += 1
            core = core[1:]
        t = tokens.starting_at(start)
        if t is not None and t.pos == "ns" and a - t.end >= 2 and _bare_city(t.word):
            start, core = t.end, s[t.end:a]  # 昆明|团结街道: the city named before the street without its suffix
        if len(core) < 2 or core[-1] in lexicon.words("not_name_last") or core in lexicon.words("not_place_core") \
                or any(w in core for w in lexicon.words("not_place_core_part")):
            continue
        out.append(PlaceMention("place", start, b, s[start:b], s[start:b], levels[unit]))
        taken.append((start, b))
    return out
