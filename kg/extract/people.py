"""People: names after titles and title chains (区总工会党组书记、主席郭金江), and names without a title,
found from surnames, jieba's name tags and the words around them (困难职工王某某, 王某某表示)."""
from __future__ import annotations

from functools import lru_cache

from kg import lexicon
from kg.extract.text import Tokens, build_matcher, cjk_only, fold, is_cjk, longest_matches
from kg.model import Chain, OrgMention, PersonMention, TitleMention


@lru_cache(maxsize=1)
def _title_matcher():
    return build_matcher(lexicon.titles() | lexicon.roles())


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, str]:
    import jieba.posseg

    from kg.segment import tag

    tag("")  # loads jieba once
    return jieba.posseg.dt.word_tag_tab


def find_titles(s: str, offset: int, orgs=()) -> list[TitleMention]:
    """Return titles and role words of ``s`` that are not inside an organization's name."""
    roles = lexicon.roles()
    local = [(o.start - offset, o.end - offset) for o in orgs]
    merged = lexicon.words("merged_head_titles")
    out = []
    for a, b, w in longest_matches(_title_matcher(), s):
        if any(x < b and a < y for x, y in local) and not (w in merged and any(y == a + 1 for _, y in local)):
            continue  # (宣传部长 = 宣传部 + 部长: the head's title shares the body's last character)
        out.append(TitleMention("title", offset + a, offset + b, w, w in roles))
    return out


def _surname_len(w: str) -> int:
    sn = lexicon.surnames()
    if w[:2] in sn and len(w) >= 3:
        return 2
    return 1 if w[:1] in sn else 0


def common_word(w: str) -> bool:
    """Return True when ``w`` is a dictionary word that is not a name (关心, 高度), or a listed false name."""
    tag = _dictionary().get(w)
    return w in lexicon.words("not_names") or tag is not None and not tag.startswith("nr")


def name_at(s: str, tokens: Tokens, i: int, strict: bool = False, titled: bool = False) -> str | None:
    """Return a personal name starting at offset ``i`` of ``s`` (a known surname and one or two characters),
    or None.

    Three characters win over two unless the third starts the word after the name (王明|说, 李强|主任,
    施剑|一行): names of three characters are the common case. With ``strict`` the name must be followed
    by what follows names (a separator, a verb of speech, a title).
    """
    if i >= len(s) or not is_cjk(s[i]) or s[i] in lexicon.words("function_chars"):
        return None
    sl = _surname_len(s[i:i + 3])
    if not sl:
        return None
    tok = tokens.starting_at(i)
    if tok is not None and len(tok.word) == 1 and tok.pos[:1] in lexicon.words("not_surname_pos") and not titled:
        nxt = tokens.starting_at(i + 1)
        if nxt is None or not nxt.pos.startswith("nr"):
            return None  # 老人|乐|重阳: the surname character is used as a word here (张|秀英 is a name)
    inside = tokens.at(i)
    if inside is not None and inside.start < i and common_word(inside.word):
        return None  # 环|卫工人: the character belongs to the word before
    forbidden = lexicon.words("given_name_forbidden") | lexicon.words("punctuation")
    after = lexicon.words("name_follow")
    follow_chars = lexicon.words("name_stop_char")
    for n in (sl + 2, sl + 1):
        cand = s[i:i + n]
        jieba_name = tok is not None and tok.word == cand and tok.pos.startswith("nr")
        if len(cand) < n or not cjk_only(cand) or any(c in forbidden for c in cand[sl:]) and not jieba_name:
            continue  # 王明|从北京来 (but 魏从刚, one word the tagger reads as a name)
        rest = s[i + n:]
        if n == sl + 2:
            third = tokens.starting_at(i + n - 1)
            if third is not None and len(third.word) >= 2 and (third.word in after or third.word in lexicon.titles()):
                continue  # 李强|主任: the third character starts a title
            if any(s.startswith(w, i + n - 1) for w in after if len(w) >= 2):
                continue
            nxt2 = s[i + n - 1:i + n + 1]
            if len(nxt2) == 2 and common_word(nxt2) and _freq(nxt2) > 100:
                continue  # 李鹏|首先, 鲁迅|先生: the third character starts a common word
        if rest[:1] in lexicon.words("unit_suffix_char") or lexicon.pattern("name_in_place_list").match(rest):
            continue  # 李康河|村, 赵集|等十多个乡镇: a place named after a family, not a person
        follows = _follows_name(rest, after, follow_chars)
        if not follows and not (n == sl + 1 and tok is not None and tok.word == cand and tok.pos.startswith("nr")):
            continue
        if strict and not follows:
            return None
        return cand if _plausible(cand, sl, tok, titled and follows) else None
    return None


def _plausible(cand: str, sl: int, tok, titled: bool = False) -> bool:
    """Reject candidates that are common words (关心, 相关|工作人员), titles, or end like a place or body."""
    if tok is not None and len(tok.word) >= 2 and tok.word != cand and not cand.startswith(tok.word) \
            and tok.pos[:1] in lexicon.words("not_name_pos"):
        return False  # 关心, 都详细: a common word starts here
    if sl == 1 and len(cand) == 3 and (cand[:2] in lexicon.words("not_names") or common_word(cand[:2]) and
                                       _dictionary().get(cand[:2], "nr")[:2] not in ("ns", "nr", "nz", "nt")):
        return False  # 相关|工作人员, 方便|面 (but 马东|城: a place word inside a name is fine)
    if cand in lexicon.titles() or cand[-1] in lexicon.words("not_name_last_char"):
        return False
    if common_word(cand) and not (titled and _dictionary().get(cand, "")[:2] in ("ns", "nz") and cand not in lexicon.words("not_names")):
        return False  # 主席吉林分别…: after a title a place word can be a name
    return True


def _given_is_word(cand: str, sl: int) -> bool:
    """True when the given name is a common word (张|表格, 国|动员): without a title, no name."""
    given = cand[sl:]
    tag = _dictionary().get(given)
    return len(given) == 2 and tag is not None and not tag.startswith(("nr", "ns", "nz")) and _freq(given) > 30


def is_place_name(w: str) -> bool:
    """True for a place the gazetteer or the list of foreign places knows (盘锦 -> 盘锦市, 马拉维)."""
    from kg import gazetteer

    return w in lexicon.words("foreign_places") or any(gazetteer.lookup(w + x) or gazetteer.lookup(w) for x in ("", *sorted(lexicon.words("bare_place_suffixes"))))


def _freq(w: str) -> int:
    from kg.tokenizer import jieba_tokenizer

    return jieba_tokenizer().FREQ.get(w) or 0


def _follows_name(rest: str, after, stops) -> bool:
    """Return True when ``rest`` starts with what may follow a name: a separator, a verb of speech, a title."""
    if not rest or not is_cjk(rest[0]) or rest[0] in stops:
        return True
    return any(rest.startswith(w) for w in after)


def find_chains(s: str, tokens: Tokens, offset: int, titles: list[TitleMention], orgs: list[OrgMention]) -> list[Chain]:
    """Read title chains: ORG TITLE(、ORG? TITLE)* NAME(、NAME)*, and ORG NAME TITLE (王某某书记)."""
    gov = {r[0]: r[1] for r in lexicon.table("government_titles.tsv")}
    local = [(t.start - offset, t.end - offset, t) for t in titles]
    title_at = {a: t for a, _, t in local}
    org_end = {o.end - offset: o for o in orgs}
    for o in orgs:  # 宣传部|长: a title that shares the body's last character follows the body
        if o.end - offset - 1 in title_at and title_at[o.end - offset - 1].text in lexicon.words("merged_head_titles"):
            org_end[o.end - offset - 1] = o
    chains: list[Chain] = []
    taken: list[tuple[int, int]] = []
    named_titles: set[int] = set()  # titles a name follows: no name before them (公司|尤溪|项目经理|朱某)
    prev: Chain | None = None
    for a, b, t in local:
        if s[b:b + 1] == " ":  # 主席 陈立新: a space kept between words
            b += 1
        name = name_at(s, tokens, b, titled=True)
        if name is None:
            continue
        persons = [PersonMention("person", offset + b, offset + b + len(name), name, "official")]
        j = b + len(name)
        while j < len(s) and s[j] == "、":  # 张某、李某、王某等
            nxt = name_at(s, tokens, j + 1, strict=True)
            if nxt is None or (j + 1) in title_at:
                break
            persons.append(PersonMention("person", offset + j + 1, offset + j + 1 + len(nxt), nxt, "official"))
            j += 1 + len(nxt)
        chain = _walk_back(s, a, t, local, org_end)
        held = []
        last_org = None
        if prev is not None and chain[0][2] is None and prev.persons[-1].end - offset <= chain[0][0] <= prev.persons[-1].end - offset + 1 \
                and s[prev.persons[-1].end - offset:chain[0][0]] in lexicon.words("chain_list_joiners") | {""}:
            # 执行会长张某、常务副会长李某: the next person's posts are at the same body
            last_org = next((o for _, o, _ in reversed(prev.held) if o is not None), None)
        for _, tw, org in chain:
            if org is not None:
                last_org = org
            if tw in lexicon.roles():
                continue
            held.append((tw, None if tw in gov else last_org, gov.get(tw)))
        prev = Chain(tuple(persons), tuple(held), 0.9 if len(chain) == 1 else 0.85)
        chains.append(prev)
        taken += [(p.start - offset, p.end - offset) for p in persons]
        named_titles.add(a)
    for o in orgs:  # ORG NAME TITLE (大北街社区党支部王某某书记), ORG NAME、NAME等TITLE (…社区张某、李某等网格员)
        i = o.end - offset
        names = _name_list(s, tokens, i)
        if not names:
            continue
        j = names[-1][2]
        if s[j:j + 1] == "等":
            j += 1
        t = title_at.get(j)
        if t is None or j in named_titles or any(x <= i < y for x, y in taken):
            continue
        persons = tuple(PersonMention("person", offset + a, offset + b, nm, "official") for nm, a, b in names)
        chains.append(Chain(persons, ((t.text, o, gov.get(t.text)),) if not t.role_word else (), 0.8))
        taken += [(a, b) for _, a, b in names]
    return chains


def _name_list(s: str, tokens: Tokens, i: int) -> list[tuple[str, int, int]]:
    """Return the names listed from offset ``i``: 张某、李某、王某 (each with its offsets)."""
    out = []
    nm = name_at(s, tokens, i)
    while nm:
        out.append((nm, i, i + len(nm)))
        i += len(nm)
        if s[i:i + 1] != "、":
            break
        i += 1
        nm = name_at(s, tokens, i, strict=True)
    return out


def _walk_back(s: str, a: int, t: TitleMention, local, org_end) -> list[tuple[int, str, OrgMention | None]]:
    """Walk back along a chain: segments before 、 or ， that end in a title are the same person's posts."""
    org = org_end.get(a)
    if org is None:  # 集团有限公司|尤溪|项目经理: a place between the body and the title is where the post is
        for g in (3, 2):
            if a - g in org_end and cjk_only(s[a - g:a]) and is_place_name(s[a - g:a]):
                org = org_end[a - g]
                break
    chain = [(a, t.text, org)]
    k = a
    while True:
        o = org_end.get(k)
        if o is not None:
            k -= o.end - o.start - (o.end - o.start > 1 and s[k:k + 2] in lexicon.words("merged_head_titles"))
        prev = [(x, tt) for x, y, tt in local if y == k - 1] if k > 0 and s[k - 1] in "、，," else []
        if not prev:
            break
        x, tt = prev[0]
        chain.insert(0, (x, tt.text, org_end.get(x)))
        k = x
    return chain


def _before_name(s: str, tokens: Tokens, i: int, strict: bool = False) -> bool:
    """What may stand before a name: the sentence start, a separator, a conjunction or preposition, a title,
    a word for a kind of person, or (unless ``strict``) a verb (看望了王某某)."""
    if i == 0 or not is_cjk(s[i - 1]):
        return True
    prev = tokens.ending_at(i)
    if prev is None:
        return False
    if prev.word in lexicon.words("name_before") or prev.word in lexicon.titles() or prev.word in lexicon.words("person_kind"):
        return True
    return not strict and prev.pos[:1] in ("v", "p", "c")


@lru_cache(maxsize=1)
def _activity_re():
    import re

    triggers = lexicon.alternation(lexicon.triggers())
    return re.compile(f"(?:{triggers})+{lexicon.pattern('nominal_after_trigger').pattern}")


def _modifies_activity(rest: str) -> bool:
    """True when the text after a candidate name is an activity's name (慰问活动, 帮扶工作)."""
    return bool(_activity_re().match(rest))


def find_untitled(s: str, tokens: Tokens, offset: int, taken=()) -> list[PersonMention]:
    """Return names without a title: after a word for a kind of person (困难职工, 村民, 记者, 爱心人士),
    before a verb of speech (表示, 说), in a list closed by 等, or tagged as a name by jieba with a context."""
    out: list[PersonMention] = []
    used = [tuple(x) for x in taken]

    def add(i: int, name: str, role: str) -> None:
        if any(x < i + len(name) and i < y for x, y in used):
            return
        out.append(PersonMention("person", offset + i, offset + i + len(name), name, role))
        used.append((i, i + len(name)))

    for m in lexicon.pattern("person_before").finditer(s):  # a kind of person, then the name
        i = m.end()
        kind = m.group(0)
        # a kind word vouches for the name as a title does (党员|张|广义: 张 read as a measure word), unless it also
        # stands before words of a slogan (老人|乐|重阳)
        nm = name_at(s, tokens, i, titled=kind not in lexicon.words("weak_person_kind"))
        if nm and not is_place_name(nm):
            add(i, nm, "mention" if kind in lexicon.words("actor_person_words") else "beneficiary")
    for m in lexicon.pattern("name_list_etc").finditer(s):  # 张某、李某等 + a kind of people
        role = "beneficiary" if lexicon.pattern("beneficiary_after_list").match(s, m.end()) else "mention"
        pos = m.start()
        for part in m.group("list").split("、"):
            i = s.find(part, pos)
            pos = i + len(part)
            nm = name_at(s, tokens, i)
            if nm == part and not is_place_name(nm):
                add(i, nm, role)
    for tok in tokens:  # names jieba tags (or splits: 曹|建平) where the words around vouch for them
        jieba_says = tok.pos.startswith("nr") and 2 <= len(tok.word) <= 4 and cjk_only(tok.word)
        split = len(tok.word) == 1 and tok.word in lexicon.surnames() and tok.pos.startswith(("nr", "n", "q"))
        if not (jieba_says or split) or s[tok.end:tok.end + 1] in lexicon.words("unit_suffix_char"):
            continue  # 张家湾|村 is a village
        nm = name_at(s, tokens, tok.start, strict=True)
        if nm is None and jieba_says and _surname_len(tok.word) and len(tok.word) >= 2 and not common_word(tok.word) \
                and _plausible(tok.word, _surname_len(tok.word), tok) and len(tok.word) - _surname_len(tok.word) in (1, 2):
            nm = tok.word  # jieba's own reading of a name with a known surname (邓小平理论, 李鹏总理)
        if nm is None or not nm.startswith(tok.word[:2]) or jieba_says and len(nm) < len(tok.word):
            continue
        end = tok.start + len(nm)
        rest = s[end:]
        strong = _follows_name(rest, lexicon.words("name_follow_strong"), lexicon.words("punctuation"))
        if tok.start > 0 and fold(s[tok.start - 1]).isdigit():
            continue  # 11张表格: a count, not a surname
        if tok.start > 0 and s[tok.start - 1] in "·•" or s[tok.start + len(nm):tok.start + len(nm) + 1] in ("·", "•"):
            continue  # part of a transliterated name (…·金克尔): its bounds are not a Chinese name's
        if _modifies_activity(rest):
            continue  # “情暖重阳”敬老|慰问活动: a word before a named activity is its kind, not a person
        if is_place_name(nm) or lexicon.pattern("name_in_place_list").match(rest):
            continue  # 盘锦, 马拉维: tagged as a name, known as a place; 赵集等乡镇: one of a list of places
        two = len(nm) - _surname_len(nm) == 1
        titled_after = any(rest.startswith(t) for t in lexicon.titles())
        vouched = strong or titled_after or _before_name(s, tokens, tok.start, strict=two)
        if two and _freq(nm) > 60 and not titled_after or _given_is_word(nm, _surname_len(nm)):
            continue  # 智慧, 祝贺, 阳光: a common word jieba tags as a name; 张|表格
        if jieba_says and (vouched or not two) or split and strong and _before_name(s, tokens, tok.start):
            add(tok.start, nm, "mention")
    return sorted(out, key=lambda p: p.start)
