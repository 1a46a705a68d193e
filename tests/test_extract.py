"""Tests for the extractors, as tables of short sentences written for the purpose.

Names of people and places are invented (张建国, 李红梅, 东湖镇, 西山村 ...); 大兴区 is the region of the
bundled example and stands for a county-level place the gazetteer knows. A row marked xfail(strict=True)
is a known extractor error, kept as the expectation it should meet.
"""
from __future__ import annotations

import pytest

from kg.extract.dates import find_dates
from kg.extract.groups import find_groups
from kg.extract.orgs import find_orgs, org_kind
from kg.extract.people import name_at
from kg.extract.places import find_places
from kg.extract.quantities import find_goods, find_money
from kg.extract.text import Tokens
from kg.model import Document
from kg.pipeline import extract_document, prepare
from kg.segment import tag


def known_bug(*values, reason):
    """A row the extractor gets wrong today: the expectation stays, the row is a strict xfail."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


def extract(text: str):
    return extract_document(Document("tests/synthetic.txt", "synthetic", text))


def tokens(sentence: str) -> Tokens:
    """jieba's tokens of one sentence, as the finders take them."""
    return Tokens(tag(sentence))


def names(ex, kind: str) -> set[str]:
    """The canonical names of the entities of one kind in an extraction."""
    return {e.name for e in ex.entities if e.kind == kind}


def shares(ev) -> list[tuple[str, int | None]]:
    """An event's beneficiary groups with their counts."""
    return [(sh.group, sh.count) for sh in ev.shares]


# ------------------------------------------------------------------ money
def money(text, value=None, *, lo=None, hi=None, approx=False, per=False, purpose=None):
    return {"text": text, "value": value, "min": lo, "max": hi, "approximate": approx, "per_person": per,
            "purpose": purpose}


MONEY_ROWS = [
    ("张建国为困难职工送去救助金51000元。", [money("51000元", 51000, purpose="救助金")]),
    ("区总工会筹集150万元用于慰问一线医务人员。", [money("150万元", 1500000)]),
    ("镇总工会为他送去两万元慰问金。", [money("两万元", 20000, purpose="慰问金")]),
    ("发放慰问金１２０００元。", [money("１２０００元", 12000, purpose="慰问金")]),
    # approximate amounts
    ("爱心企业共捐赠83万多元。", [money("83万多元", 830000, approx=True)]),
    ("全镇筹集12余万元。", [money("12余万元", 120000, approx=True)]),
    ("各级工会投入近50万元。", [money("近50万元", 500000, approx=True)]),
    # ranges
    ("救助标准为3000元到50000元。", [money("3000元到50000元", lo=3000, hi=50000)]),
    ("镇总工会发放救助金3000至5000元。", [money("3000至5000元", lo=3000, hi=5000, purpose="救助金")]),
    # per person vs total
    ("为每人发放600元慰问金。", [money("600元", 600, per=True, purpose="慰问金")]),
    ("每名职工可获得500元补助金。", [money("500元", 500, per=True, purpose="补助金")]),
    ("为30名职工每人发放慰问金600元，共计18000元。",
     [money("600元", 600, per=True, purpose="慰问金"), money("共计18000元", 18000, purpose="慰问金")]),
    ("赶在春节前，镇总工会为他们送去了救助金，共计51000元。", [money("共计51000元", 51000, purpose="救助金")]),
    # purposes as written
    ("区总工会下拨应急款169万元。", [money("169万元", 1690000, purpose="应急款")]),
    ("送去价值2万元的慰问品。", [money("2万元", 20000, purpose="慰问品")]),
    # campaign names are not transfers
    ("镇总工会开展一元捐活动。", []),
    ("职工积极响应“一元捐、十元捐”爱心捐款的倡议。", []),
    ("元旦前夕，张建国看望了困难职工。", []),
]


def _money_dicts(spans):
    # value/min/max are Decimals: a Decimal equals an int of the same value, so the rows' ints compare numerically
    return [{"text": m.text, "value": m.value, "min": m.min, "max": m.max,
             "approximate": m.approximate, "per_person": m.per_person, "purpose": m.purpose}
            for m in spans]


@pytest.mark.parametrize(("sentence", "expected"), MONEY_ROWS)
def test_find_money(sentence, expected):
    assert _money_dicts(find_money(sentence, 0)) == expected


# ------------------------------------------------------------------ goods
GOODS_ROWS = [
    ("为环卫工人送去方便面800箱。", [("方便面", 800, "箱")]),
    ("向镇卫生院捐赠热水器共计7台。", [("热水器", 7, "台")]),
    ("送去110份由爱心企业捐赠的“暖心服务包”。", [("暖心服务包", 110, "份")]),
    ("送上大米20袋、食用油10桶。", [("大米", 20, "袋"), ("食用油", 10, "桶")]),
    ("送去棉被50床。", [("棉被", 50, "床")]),
    # lists without quantities
    ("送去米、面、油等慰问品。", [("米", None, None), ("面", None, None), ("油", None, None)]),
    ("送去大米、食用油等生活物资。", [("大米", None, None), ("食用油", None, None)]),
    # a general category when nothing more specific is named
    ("为职工送去了慰问品。", [("慰问品", None, None)]),
    # a single character is no good outside a list
    ("面对困难，他从不退缩。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), GOODS_ROWS)
def test_find_goods(sentence, expected):
    got = find_goods(sentence, tokens(sentence), 0, find_money(sentence, 0))
    assert [(g.name, g.quantity, g.unit) for g in got] == expected


# ------------------------------------------------------------------ beneficiary groups
GROUP_ROWS = [
    ("活动惠及一线职工5万余人。", {("一线职工", 50000)}),
    ("为15名大病职工送去救助金。", {("大病职工", 15)}),
    ("慰问困难职工183人。", {("困难职工", 183)}),
    ("慰问了镇域内13名市级劳动模范。", {("劳动模范", 13)}),
    ("看望了12名老党员。", {("老党员", 12)}),
    ("共慰问困难职工183人，大病职工107人。", {("困难职工", 183), ("大病职工", 107)}),
    ("看望了老党员、退休老干部、大病职工。", {("老党员", None), ("退休老干部", None), ("大病职工", None)}),
    ("为环卫工人送去方便面。", {("环卫工人", None)}),
    # aliases to the canonical group
    ("看望患病职工。", {("大病职工", None)}),
    ("看望因病致困的职工。", {("大病职工", None)}),
    # issue 9: 困难家庭 is a variant of 困难户 (kg/data/groups.tsv), a category of its own, not 困难群众
    ("走访慰问了20户困难家庭。", {("困难户", 20)}),
    ("为一线医护人员送去慰问品。", {("一线医务人员", None)}),
    # a coordination sharing the head word
    ("慰问困难及大病职工。", {("困难职工", None), ("大病职工", None)}),
    # a number before a comma is not the group's count
    ("共有3个村，困难职工得到帮扶。", {("困难职工", None)}),
]


@pytest.mark.parametrize(("sentence", "expected"), GROUP_ROWS)
def test_find_groups(sentence, expected):
    assert {(g.name, g.count) for g in find_groups(sentence, tokens(sentence), 0)} == expected


def test_group_keeps_its_surface_form():
    (g,) = find_groups("看望患病职工。", tokens("看望患病职工。"), 0)
    assert (g.text, g.name) == ("患病职工", "大病职工")


# ------------------------------------------------------------------ dates
DATE_ROWS = [
    ("1月30日，张建国看望了困难职工。", [("1月30日", None, 1, 30, None)]),
    ("1月13日至16日，镇总工会走访慰问劳模。", [("1月13日至16日", None, 1, 13, (1, 16))]),
    ("1月28日到2月3日", [("1月28日到2月3日", None, 1, 28, (2, 3))]),
    ("2021年2月3日上午", [("2021年2月3日", 2021, 2, 3, None)]),
    ("１月３０日", [("１月３０日", None, 1, 30, None)]),
    ("13月40日", []),
]


@pytest.mark.parametrize(("sentence", "expected"), DATE_ROWS)
def test_find_dates(sentence, expected):
    got = find_dates(sentence, 0)
    assert [(d.text, d.year, d.month, d.day, d.until) for d in got] == expected


# ------------------------------------------------------------------ spans point into the text
@pytest.mark.parametrize("sentence", [r[0] if isinstance(r[0], str) else r.values[0] for r in MONEY_ROWS + GOODS_ROWS + GROUP_ROWS + DATE_ROWS])
def test_spans_are_offsets_into_the_text(sentence):
    pad = "前面的句子。"
    text = pad + sentence
    t = tokens(sentence)
    money = find_money(sentence, len(pad))
    spans = money + find_goods(sentence, t, len(pad), money) + find_groups(sentence, t, len(pad)) + find_dates(sentence, len(pad))
    for sp in spans:
        assert text[sp.start:sp.end] == sp.text, sp


# ------------------------------------------------------------------ places
PLACE_ROWS = [
    ("来到青石镇柳树村看望老党员。", [("青石镇", "town"), ("柳树村", "village")]),
    ("来到东湖镇西山村看望老党员。", [("东湖镇", "town"), ("西山村", "village")]),
    ("在西山村，", [("西山村", "village")]),
    ("南岗乡的困难群众", [("南岗乡", "township")]),
    ("长安街道红星社区", [("长安街道", "subdistrict"), ("红星社区", "community")]),
    # county level and above from the gazetteer
    ("走访了大兴区的困难职工。", [("大兴区", "district")]),
    ("北京市大兴区", [("北京市", "municipality"), ("大兴区", "district")]),
    ("四川省成都市", [("四川省", "province"), ("成都市", "city")]),
    # words that start with an administrative character are no places
    ("镇域内的困难职工", []),
    ("村民们纷纷表示感谢。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), PLACE_ROWS)
def test_find_places(sentence, expected):
    got = find_places(sentence, tokens(sentence), 0)
    assert [(p.name, p.level) for p in got] == expected
    for p in got:
        assert sentence[p.start:p.end] == p.text


# ------------------------------------------------------------------ organizations
ORG_ROWS = [
    ("东湖镇总工会慰问困难职工。", ["东湖镇总工会"]),
    ("青石镇党委和镇政府", ["青石镇党委", "镇政府"]),
    ("南岗县人民医院的医生", ["南岗县人民医院"]),
    ("市餐饮行业协会副会长", ["市餐饮行业协会"]),
    ("华兴科技有限公司捐赠", ["华兴科技有限公司"]),
    ("东湖镇中心卫生院", ["东湖镇中心卫生院"]),
    ("大兴区卫健委工会", ["大兴区卫健委", "大兴区卫健委工会"]),
]


@pytest.mark.parametrize(("sentence", "expected"), ORG_ROWS)
def test_find_orgs(sentence, expected):
    t = tokens(sentence)
    got = find_orgs(sentence, t, 0, find_places(sentence, t, 0))
    assert [o.text for o in got] == expected


ORG_KIND_ROWS = [
    # a bureau of a state-owned group is a firm; its union and party committee keep their kinds
    ("中铁九局", "enterprise"), ("中建五局", "enterprise"), ("中铁九局工会", "union"), ("中建五局党委", "party"),
    ("临江县教育局", "government"),
    ("临江微工会", "other"),  # a union's WeChat account, not a union
    ("大兴区总工会", "union"),
    ("东湖镇工会", "union"),
    ("青石镇党委", "party"),
    ("大兴区委", "party"),
    ("西山村党支部", "party"),
    ("东湖镇人民政府", "government"),
    ("大兴区卫健委", "government"),
    ("西山村村委会", "government"),
    ("大兴区人大常委会", "legislature"),
    ("政协东湖市委员会", "cppcc"),
    ("南岗县人民医院", "medical"),
    ("东湖镇中心卫生院", "medical"),
    ("市餐饮行业协会", "association"),
    ("华兴科技有限公司", "enterprise"),
    # a committee of an association is an association; a bare 委员会 is a government body
    ("临江县慈善协会·助学委员会", "association"),
    ("东湖镇管理委员会", "government"),
]


@pytest.mark.parametrize(("name", "kind"), ORG_KIND_ROWS)
def test_org_kind(name, kind):
    assert org_kind(name) == kind


ORG_EXPANSION_ROWS = [
    # 区总工会 in an article about 大兴区
    ("大兴区召开会议。区总工会副主席王海涛慰问了困难职工。", "区总工会", "大兴区总工会"),
    # 镇总工会 to the town of the paragraph
    ("在青石镇，镇总工会为10名困难职工送去慰问金。", "镇总工会", "青石镇总工会"),
    # 区委 in a 大兴区 article
    ("大兴区召开会议。区委书记张建国看望了困难职工。", "区委", "大兴区委"),
]


@pytest.mark.parametrize(("text", "surface", "canonical"), ORG_EXPANSION_ROWS)
def test_org_abbreviation_expanded_from_context(text, surface, canonical):
    ex = extract(text)
    org = ex.entity("org", canonical)
    assert org is not None, sorted(names(ex, "org"))
    assert surface in org.surfaces
    assert ex.entity("org", surface) is None


def test_town_union_follows_the_paragraph():
    ex = extract("在青石镇，镇总工会为10名困难职工送去慰问金。\n在东湖镇，镇总工会为6名劳动模范送去慰问品。")
    assert {"青石镇总工会", "东湖镇总工会"} <= names(ex, "org")
    assert ex.entity("org", "青石镇总工会").place == "青石镇"
    assert ex.entity("org", "东湖镇总工会").place == "东湖镇"
    assert [list(ev.organizers) for ev in ex.events] == [["青石镇总工会"], ["东湖镇总工会"]]


# ------------------------------------------------------------------ people and posts
POST_ROWS = [
    # a character that is mostly a word (从, 在) inside a name the tagger reads as one word
    ("临江县老促会会长席光、县政府副县长李从文出席仪式。",
     {("席光", "会长", "临江县老促会"), ("李从文", "副县长", "临江县人民政府")}),
    # a place between the body and the title is where the post is; a name after the title leaves none before it
    ("临江建工集团有限公司铜梁项目经理吴永胜表示，将全力做好防控。",
     {("吴永胜", "项目经理", "临江建工集团有限公司")}),
    # ORG TITLE、TITLE NAME: one membership per title
    ("大兴区总工会党组书记、主席张建国来到东湖镇看望困难职工。",
     {("张建国", "党组书记", "大兴区总工会"), ("张建国", "主席", "大兴区总工会")}),
    # two organizations in one chain, separated by ，
    ("1月30日，大兴区人大常委会党组成员、副主任，区总工会党组书记、主席李红梅带队走访慰问困难职工。",
     {("李红梅", "党组成员", "大兴区人大常委会"), ("李红梅", "副主任", "大兴区人大常委会"),
      ("李红梅", "党组书记", "大兴区总工会"), ("李红梅", "主席", "大兴区总工会")}),
    ("东湖镇总工会副主席李红梅一行来到西山村，看望老党员。", {("李红梅", "副主席", "东湖镇总工会")}),
    # a head of government holds the post at the people's government of the place
    ("大兴区副区长张建国来到东湖镇，慰问了环卫工人。", {("张建国", "副区长", "大兴区人民政府")}),
    # ORG NAME TITLE
    ("柳树村党支部赵丽娟书记看望了老党员。", {("赵丽娟", "书记", "柳树村党支部")}),
    # a role without an organization names a person but gives no post
    ("市领导张建国一行来到大兴区，看望慰问了环卫工人。", set()),
    # the 镇总工会 of a post is the town of its own sentence
    ("在青石镇，镇总工会为10名困难职工送去慰问金。\n在东湖镇，镇总工会副主席王海涛走访慰问了6名劳动模范。",
              {("王海涛", "副主席", "东湖镇总工会")}),
    # several names after one title
    ("区总工会副主席王海涛、刘建华走访慰问了困难职工。",
              {("王海涛", "副主席", "大兴区总工会"), ("刘建华", "副主席", "大兴区总工会")}),
    # a head's title that shares the last character of its department (宣传部长 = 宣传部 + 部长), the department
    # of the party committee before it, and a bare 总工会 in the chain is the county's
    ("临江县委常委、组织部长张大山来到东湖镇看望困难党员。",
     {("张大山", "常委", "临江县委"), ("张大山", "部长", "临江县委组织部")}),
    ("临江县委常委、宣传部长、总工会主席郝春燕带队看望一线职工。",
     {("郝春燕", "常委", "临江县委"), ("郝春燕", "部长", "临江县委宣传部"), ("郝春燕", "主席", "临江县总工会")}),
    # a party committee has no 主任: the post is at the street's office the article names
    ("东湖街道办事处开展慰问活动。街道党工委书记张建国和副书记、主任李红梅看望了困难群众。",
              {("张建国", "书记", "东湖街道党工委"), ("李红梅", "副书记", "东湖街道党工委"),
               ("李红梅", "主任", "东湖街道办事处")}),
]


@pytest.mark.parametrize(("text", "posts"), POST_ROWS)
def test_title_chains(text, posts):
    if "区总工会" in text and "大兴区" not in text:
        text = "大兴区召开会议。" + text
    ex = extract(text)
    assert {(p.person, p.title, p.org) for p in ex.posts} == posts
    assert {p[0] for p in posts} <= names(ex, "person")


PERSON_ROWS = [
    ("市领导张建国一行来到大兴区，看望慰问了环卫工人。", {"张建国"}),
    ("大兴区总工会主席张建国来到东湖镇。在交流中，张建国表示，将继续做好帮扶工作。", {"张建国"}),
    # a word after a group word is no name
    ("工会干部对劳模关心的问题一一作了解答。", set()),
]


@pytest.mark.parametrize(("text", "people"), PERSON_ROWS)
def test_people(text, people):
    ex = extract(text)
    assert names(ex, "person") == people


def test_name_after_a_role_acts():
    ex = extract("市领导张建国一行来到大兴区，看望慰问了环卫工人。")
    assert ex.posts == ()
    (ev,) = ex.events
    assert list(ev.agents) == ["张建国"]


@pytest.mark.parametrize(("sentence", "i", "name"), [
    ("副主席张建国一行", 3, "张建国"),
    ("主席李红梅表示", 2, "李红梅"),
    ("书记王海涛、刘建华", 2, "王海涛"),
    ("主席表示", 2, None),
    ("主席到会讲话", 2, None),
])
def test_name_at(sentence, i, name):
    assert name_at(sentence, tokens(sentence), i) == name


# ------------------------------------------------------------------ events
EVENT_ROWS = [
    # (article, a piece of the event's sentence, expected fields)
    ("1月30日，大兴区总工会党组书记、主席张建国来到青石镇柳树村，看望慰问了15名大病职工，为他们送去救助金共计51000元。",
     "张建国来到",
     {"agents": ["张建国"], "organizers": ["大兴区总工会"], "place": "柳树村", "groups": [("大病职工", 15)],
      "money": [51000], "date": ("--01-30", None), "classes": {"Visit", "AidDelivery"}}),
    ("1月20日，大兴区总工会主席张建国来到大兴区人民医院，为一线医务人员送去热水器7台。",
     "热水器",
     {"agents": ["张建国"], "organizers": ["大兴区总工会"], "site": "大兴区人民医院",
      "groups": [("一线医务人员", None)], "goods": [("热水器", 7)], "date": ("--01-20", None)}),
    ("1月13日至16日，青石镇总工会副主席王海涛带队走访慰问了镇域内13名市级劳动模范。",
              "王海涛",
              {"agents": ["王海涛"], "organizers": ["青石镇总工会"], "place": "青石镇", "groups": [("劳动模范", 13)],
               "date": ("--01-13", "--01-16"), "classes": {"Visit"}}),
    # the year comes from the publication date
    ("时间:2021-01-20\n1月15日，青石镇总工会主席李红梅走访慰问了困难职工。",
     "李红梅",
     {"agents": ["李红梅"], "date": ("2021-01-15", None), "groups": [("困难职工", None)]}),
    # the subject of a later sentence is implied by the paragraph
    ("东湖镇总工会副主席李红梅一行来到西山村，看望老党员。随后，为8名困难职工送去方便面20箱。",
     "方便面",
     {"agents": ["李红梅"], "organizers": ["东湖镇总工会"], "groups": [("困难职工", 8)],
      "goods": [("方便面", 20)]}),
    ("在青石镇，镇总工会为10名困难职工送去慰问金。",
     "慰问金",
     {"agents": [], "organizers": ["青石镇总工会"], "place": "青石镇", "groups": [("困难职工", 10)]}),
    # several groups, each with its count
    ("大兴区总工会主席张建国走访慰问困难职工183人，大病职工107人。",
     "张建国",
     {"agents": ["张建国"], "groups": [("困难职工", 183), ("大病职工", 107)]}),
    # per-person money within an event
    ("东湖镇总工会副主席李红梅为30名困难职工每人发放慰问金600元。",
     "李红梅",
     {"agents": ["李红梅"], "groups": [("困难职工", 30)], "money": [600], "per_person": [True]}),
    # a campaign name is no amount; the amount raised is
    ("1月10日，东湖镇总工会积极响应“一元捐、十元捐”爱心捐款的倡议，共募集善款83万多元。",
              "一元捐",
              {"organizers": ["东湖镇总工会"], "money": [830000], "classes": {"Appeal", "Fundraising"}}),
    ("东湖镇总工会共募集善款83万多元。", "募集",
              {"organizers": ["东湖镇总工会"], "money": [830000], "classes": {"Fundraising"}}),
    ("下一步，东湖镇总工会将继续走访慰问困难职工。",
     "下一步",
     {"planned": True, "groups": [("困难职工", None)]}),
]


def _event_fields(ev):
    return {
        "agents": list(ev.agents), "organizers": list(ev.organizers), "place": ev.place, "site": ev.site,
        "groups": shares(ev), "money": [m.value for m in ev.money],
        "per_person": [m.per_person for m in ev.money],
        "goods": [(g.name, g.quantity) for g in ev.goods], "date": ev.date,
        "classes": set(ev.classes), "planned": ev.status == "planned",
    }


@pytest.mark.parametrize(("text", "anchor", "expected"), EVENT_ROWS)
def test_events(text, anchor, expected):
    ex = extract(text)
    events = [ev for ev in ex.events if anchor in ev.evidence.text]
    assert len(events) == 1, [(ev.evidence.text, ev.classes) for ev in ex.events]
    got = _event_fields(events[0])
    assert {k: got[k] for k in expected} == expected


def test_event_evidence_points_into_the_normalized_text():
    text = "东湖镇总工会副主席李红梅一行来到西山村，看望老党员。随后，为8名困难职工送去方便面20箱。\n图为李红梅（右）慰问困难职工"
    doc = Document("tests/synthetic.txt", "synthetic", text)
    art = prepare(doc)
    ex = extract_document(doc)
    assert ex.events
    for ev in ex.events:
        assert art.text[ev.evidence.start:ev.evidence.end] == ev.evidence.text
        assert 0 <= ev.confidence <= 1
    for p in ex.posts:
        assert art.text[p.evidence.start:p.evidence.end] == p.evidence.text
        assert 0 <= p.confidence <= 1


# ------------------------------------------------------------------ metadata, reporters and captions
METADATA_ROWS = [
    ("东湖镇开展送温暖活动\n本报记者 陈志强\n1月20日，东湖镇总工会副主席李红梅走访慰问了困难职工。",
     {"headline": "东湖镇开展送温暖活动", "authors": [("陈志强", "记者")], "published": None}),
    ("本报讯（记者 陈志强 通讯员 赵丽娟）1月20日，东湖镇总工会副主席李红梅走访慰问了困难职工。",
              {"headline": None, "authors": [("陈志强", "记者"), ("赵丽娟", "通讯员")]}),
    ("时间:2021-01-20\n1月15日，青石镇总工会主席李红梅走访慰问了困难职工。", {"published": "2021-01-20"}),
    # the label of the next field (来源:, 时间:) is no name in a byline of several
    ("1月15日，青石镇总工会主席李红梅走访慰问了困难职工。\n拟稿人:周文静   核稿人:吴立   来源:青石镇总工会",
     {"authors": [("周文静", "拟稿人"), ("吴立", "核稿人")]}),
    ("作者:孔方 时间:2017-07-19 阅读:180\n1月15日，青石镇总工会主席李红梅走访慰问了困难职工。",
     {"authors": [("孔方", "作者")]}),
]


@pytest.mark.parametrize(("text", "expected"), METADATA_ROWS)
def test_metadata(text, expected):
    ex = extract(text)
    got = {"headline": ex.headline, "published": ex.published, "authors": [(a.name, a.role) for a in ex.authors]}
    assert {k: got[k] for k in expected} == expected
    assert {a for a, _ in got["authors"]} <= names(ex, "person")
    # a reporter is not an actor of the events
    assert not any(a in ev.agents for a, _ in got["authors"] for ev in ex.events)


def test_photo_caption_names_the_actor():
    doc = Document("tests/synthetic.txt", "synthetic",
                   "1月20日，东湖镇总工会副主席李红梅走访慰问了困难职工。\n李红梅（右）为困难职工送上慰问金")
    captions = {(s.start, s.end) for s in prepare(doc).sentences if s.caption}
    assert captions
    ex = extract_document(doc)
    (caption_event,) = [ev for ev in ex.events if (ev.evidence.start, ev.evidence.end) in captions]
    assert list(caption_event.agents) == ["李红梅"]
    assert shares(caption_event) == [("困难职工", None)]


# ------------------------------------------------------------------ places the gazetteer lacks
def test_county_outside_the_gazetteer_is_the_region_and_expands_abbreviations():
    ex = extract("临江县总工会开展送温暖活动。\n1月14日，县委副书记、县长陈立新，县总工会党组书记、常务副主席刘海燕一行来到花桥镇石门村，"
                 "走访慰问了困难职工。")
    assert ex.region == "临江县"
    posts = {(p.person, p.title, p.org) for p in ex.posts}
    assert posts == {("陈立新", "副书记", "临江县委"), ("陈立新", "县长", "临江县人民政府"),
                     ("刘海燕", "党组书记", "临江县总工会"), ("刘海燕", "常务副主席", "临江县总工会")}
    assert ex.entity("place", "花桥镇").parent == "临江县"
    assert ex.entity("place", "石门村").parent == "花桥镇"
    [ev] = [e for e in ex.events if e.agents]
    assert (list(ev.agents), list(ev.organizers), ev.place) == (["陈立新", "刘海燕"], ["临江县总工会"], "石门村")


@pytest.mark.parametrize("text,places", [
    ("到李沧区浮山路街道开展慰问。", ["李沧区", "浮山路街道"]),   # the tagger splits 浮|山路: the run after 李沧区 is the name
    ("来到东湖镇西山村看望老党员。", ["东湖镇", "西山村"]),
])
def test_a_place_right_after_a_known_place(text, places):
    assert [p.name for p in find_places(text, tokens(text), 0)] == places


def test_headline_from_page_title_and_no_event_of_its_own():
    body = "东湖镇总工会走访慰问困难职工\n1月24日，东湖镇总工会主席王海涛走访慰问了8户困难职工家庭。"
    ex = extract_document(Document("p.html", "p", body, title="东湖镇总工会走访慰问困难职工_工会动态", media_type="html"))
    assert ex.headline == "东湖镇总工会走访慰问困难职工"
    # issue 9: 8户困难职工家庭 counts households, a group of its own as the text names it (was 困难职工)
    assert [(list(e.agents), shares(e)) for e in ex.events] == [(["王海涛"], [("困难职工家庭", 8)])]
