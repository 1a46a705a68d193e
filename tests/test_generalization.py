"""Generalization tables: does the extractor handle sentences it was not tuned on?

Each table holds short sentences written for the purpose, with invented people (张建国, 李红梅, 王海涛 ...),
invented places (东湖镇, 西山村, 青石镇, 柳树村, 南岗乡, 长安街道, 红星社区, 临江县 ...) and a few real
county-level names the gazetteer knows (大兴区, 绩溪县). There is one table per class of error: each has
rows that must be found and rows that must not be found, with the answer a careful annotator would give.

1. persons: names with and without titles, role words and fragments that are no names;
2. organizations: open-vocabulary suffixes, media outlets, places acting as bodies, span boundaries;
3. beneficiary groups: open-vocabulary groups, no over-merging, counts;
4. goods: open vocabulary by the shape of the phrase, goods given as money in kind;
5. places: below the county by suffix, counties the gazetteer lacks, parents from adjacency;
6. events: subjects carried over, two visits in one clause, dates, money per group, minimum amounts;
7. status and page furniture: planned events, bylines;
8. names inside names: no place out of a person's name, no person out of an organization's name;
9. off-genre articles: finance, sport and product news yield no event.

A row marked xfail(strict=True) is a known extractor error today: the expectation stays as it should be,
and the reason says what the extractor returns instead.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.mentions import sentence_mentions
from kg.model import Document
from kg.pipeline import extract_document


def known_bug(*values, reason):
    """A row the extractor gets wrong today: the expectation stays, the row is a strict xfail."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=f"today: {reason}"))


def extract(text: str):
    return extract_document(Document("tests/synthetic.txt", "synthetic", text))


def names(ex, kind: str) -> set[str]:
    return {e.name for e in ex.entities if e.kind == kind}


def mentioned_places(ex) -> dict[str, str | None]:
    """The places the text names (not the ones above them added from the gazetteer), with their parents."""
    return {e.name: e.parent for e in ex.entities if e.kind == "place" and e.mentioned}


class _Any:
    """A value the row does not check (equal to anything)."""

    def __eq__(self, other):
        return True

    def __repr__(self):
        return "ANY"


ANY = _Any()

# Each test below is ``assert observe_x(row) == expected``: the observe functions say what a row checks.


# ================================================================== 1. persons
PERSON_ROWS = [
    # names after a title, kept whole
    ("东湖镇党委书记张建国来到西山村看望老党员。", {"张建国"}),
    # names without a title: after a role noun, before a verb of speech, in a byline, in a list
    ("困难职工王宝珠说，感谢党和政府的关心。", {"王宝珠"}),
    ("村民李秀英说，今年的慰问品很实用。", {"李秀英"}),
    ("爱心人士陈晓东表示，将继续帮助困难群众。", {"陈晓东"}),
    ("记者 周晓燕", {"周晓燕"}),
    ("张建国、李红梅等网格员走访慰问了独居老人。", {"张建国", "李红梅"}),
    ("镇班子成员张建国带队走访慰问了困难职工。", {"张建国"}),
    # a name in a list of places is a place's (a town written without 镇), not a person's
    ("工作人员深入到柳集等中心学校，为贫困学生送去书包。", set()),
    ("确定来自洪山、柳集等十多个乡镇的80名留守儿童为帮扶对象。", set()),
    ("张建国、李红梅等村干部走访慰问了独居老人。", {"张建国", "李红梅"}),
    # a name the tagger reads, at the start of a sentence
    ("刘建华在座谈中表示，要把好事办好。", {"刘建华"}),
    known_bug("曹建平表示，将继续做好帮扶工作。", {"曹建平"},
              reason="no person found"),
    ("周晓燕和陈志强一起为老人送去棉被。", {"周晓燕", "陈志强"}),
    ("周桂芝是东湖镇西山村三组村民，今年80岁。", {"周桂芝"}),
    ("在东湖镇西山村困难群众吴长根家中，他接过了慰问品。", {"吴长根"}),
    ("为困难群众送去米面油。", set()),
    # 先进 (a model worker) before a name is a kind of person
    ("今年已经90多岁高寿的省先进周树林激动地说：“谢谢你们。”", {"周树林"}),
    ("先进集体和先进个人受到表彰。", set()),
    # a name cut short (吴桂|常加入) is the longer name the article gives elsewhere
    ("东湖镇党委书记来到贫困户吴桂常家中。该户被纳为低保户，吴桂常加入了公益岗。", {"吴桂常"}),
    # a kind word before the name vouches for it even when the tagger reads the surname as a word (张 a measure)
    ("东湖镇总工会看望困难党员张广义。", {"张广义"}),
    ("老人乐重阳", set()),
    ("孙长青、李红梅等志愿者为老人送去月饼。", {"孙长青", "李红梅"}),
    ("东湖镇总工会为困难职工王志刚送去慰问金。", {"王志刚"}),
    ("困难党员张秀英激动地说：“谢谢你们。”", {"张秀英"}),
    ("西山村村民欧阳明辉说，感谢党的关怀。", {"欧阳明辉"}),
    # two-character names after a title; three-character names not cut to two
    known_bug("东湖镇总工会副主席高远看望了困难职工。", {"高远"},
              reason="no person found"),
    ("东湖镇总工会副主席林月娥看望了困难职工。", {"林月娥"}),
    ("困难职工李春生说，感谢工会的关心。", {"李春生"}),
    ("村民周有才家里住房困难。", {"周有才"}),
    # role words, truncations and function words are no names
    ("东湖镇班子成员深入西山村看望慰问老党员。", set()),
    ("镇党委班子成员分别走访慰问了困难党员。", set()),
    ("东湖镇党委书记、镇长及班子成员走访慰问了困难群众。", set()),
    ("相关工作人员为困难群众送去米面油。", set()),
    ("镇相关负责同志陪同走访慰问了困难群众。", set()),
    ("东湖镇干部向他们送去了新春祝福。", set()),
    ("常年卧病在床的老人得到了帮扶。", set()),
    ("镇领导高度重视困难群众的生活。", set()),
    # a place that starts with a surname is no person
    ("来到王家村看望慰问了困难群众。", set()),
    ("高桥镇总工会为困难职工送去慰问金。", set()),
]


def observe_persons(text):
    return names(extract(text), "person")


@pytest.mark.parametrize(("text", "expected"), PERSON_ROWS)
def test_persons(text, expected):
    assert observe_persons(text) == expected


# ================================================================== 2. organizations
ORG_ROWS = [
    # a verb the tagger takes for a noun or a name does not start a body's name
    ("临江县总工会主席张建国说，要充分发挥工会“娘家人”作用。", {"临江县总工会"}),
    ("环卫工人说：“谢谢工会年年都想着我们。”", set()),
    ("村民有困难就找人民政府。", set()),
    # a kind of body (an industry and 公司, a bare 车间 or 工会联合会 after a count) is not one body
    ("工作人员深入物业公司、运输公司、快递公司等处，为职工送去清凉。", set()),
    ("临江县13个工会联合会和各车间为一线职工送去清凉。", set()),
    ("工会工作人员深入市政环卫服务中心、公安交警大队等处送去清凉。", set()),
    ("临江县公安局交警大队为困难群众送去慰问品。", {"临江县公安局", "临江县公安局交警大队"}),
    ("临江物业公司工会为保洁员送去慰问品。", {"临江物业公司", "临江物业公司工会"}),
    # open-vocabulary suffixes
    ("东湖镇民政办为困难群众送去慰问金。", {"东湖镇民政办"}),
    ("东湖镇退役军人服务站走访慰问了退役军人。", {"东湖镇退役军人服务站"}),
    ("临江县文化馆为留守儿童送去图书。", {"临江县文化馆"}),
    ("东湖镇司法所工作人员看望了困难群众。", {"东湖镇司法所"}),
    ("东湖镇卫生院医务人员为老人义诊。", {"东湖镇卫生院"}),
    ("临江农商银行东湖支行为困难群众捐赠慰问金。", {"临江农商银行东湖支行"}),
    ("临江县消防救援大队看望了困难群众。", {"临江县消防救援大队"}),
    ("东湖镇综合执法中队为环卫工人送去慰问品。", {"东湖镇综合执法中队"}),
    ("临江县第三工程队为困难职工送去慰问金。", {"临江县第三工程队"}),
    ("临江县个体劳动者协会为困难群众捐赠大米。", {"临江县个体劳动者协会"}),
    ("临江县青年商会为留守儿童送去书包。", {"临江县青年商会"}),
    ("临江县慈善基金会为困境儿童送去慰问金。", {"临江县慈善基金会"}),
    ("临江县政协为困难群众送去慰问品。", {"临江县政协"}),
    ("东湖镇中心幼儿园为留守儿童送去玩具。", {"东湖镇中心幼儿园"}),
    ("红星社区义工站为独居老人送去月饼。", {"红星社区义工站"}),
    ("临江县驻西山村工作队走访慰问了困难群众。", {"临江县驻西山村工作队"}),
    ("何氏宗亲会为困难群众送去慰问品。", {"何氏宗亲会"}),
    # a body and its committee joined by a middle dot are one name
    ("临江县慈善协会·助学委员会又为困难学生送去书包。", {"临江县慈善协会·助学委员会"}),
    # a span stops at a conjunction or a verb
    ("东湖镇总工会联合东湖镇妇联为困难妇女送去慰问金。", {"东湖镇总工会", "东湖镇妇联"}),
    ("临江县民政局联合县慈善总会走访慰问困难群众。", {"临江县民政局", "临江县慈善总会"}),
    known_bug("临江县委宣传部联合县文明办为老人送去月饼。", {"临江县委宣传部", "临江县文明办"},
              reason="organizations ['临江县委宣传部']"),
    ("县总工会与县人社局共同为农民工送去慰问品。", {"县总工会", "县人社局"}),
    ("临江县总工会领导赴东湖镇看望困难职工。", {"临江县总工会"}),
    ("临江县总工会在东湖镇西山村开展送温暖活动。", {"临江县总工会"}),
    # a compound naming two bodies
    ("大兴区召开会议。区委区政府为困难群众送去慰问金。", {"大兴区委", "大兴区人民政府"}),
    ("大兴区委区政府为困难群众送去慰问金。", {"大兴区委", "大兴区人民政府"}),
    ("东湖镇党委、政府为困难群众送去米面油。", {"东湖镇党委", "东湖镇人民政府"}),
    ("东湖镇召开会议。镇党委、政府为困难群众送去米面油。", {"东湖镇党委", "东湖镇人民政府"}),
    # headless fragments are no organizations; a word before the suffix stays in the name
    ("有限公司为困难职工送去慰问金。", set()),
    known_bug("高远物流有限公司为困难群众送去慰问品。", {"高远物流有限公司"},
              reason="organizations ['物流有限公司']"),
    # a "verb" the tagger guessed for a word it does not know is part of the name; a conjunction after an amount is not
    ("桐花镇工会先后向临江联达化纤有限公司、临江梦翔针织有限公司的一线职工送去清凉。",
     {"桐花镇工会", "临江联达化纤有限公司", "临江梦翔针织有限公司"}),
    ("由东湖慈善基金会提供的10万元和铭仕集团提供的5万元爱心款发放给困难群众。", {"东湖慈善基金会", "铭仕集团"}),
    # a date before an abbreviated body is not part of it
    ("大兴区召开会议。9月22日区总工会为困难职工送去慰问金。", {"大兴区总工会"}),
    ("临江县召开会议。1月5日县总工会为困难职工送去慰问金。", {"临江县总工会"}),
]


def observe_orgs(text):
    return names(extract(text), "org")


@pytest.mark.parametrize(("text", "expected"), ORG_ROWS)
def test_organizations(text, expected):
    assert observe_orgs(text) == expected


def test_a_workshop_is_an_organization():
    # whether the factory is a body of its own beside its workshop is left open; the workshop is one
    found = names(extract("临江县机械厂装配车间为困难职工捐款。"), "org")
    assert any(n.endswith("装配车间") for n in found), found


# a community, village, residents' committee or subdistrict acts as the organizer
ORGANIZER_ROWS = [
    ("红星社区开展关爱空巢老人活动，为老人送去月饼。", [["红星社区"]]),
    known_bug("红星社区开展关爱空巢老人活动。", [["红星社区"]],
              reason="no event"),
    ("西山村开展走访慰问困难群众活动。", [["西山村"]]),
    ("红星社区居委会为独居老人送去月饼。", [["红星社区居委会"]]),
    ("长安街道为困难群众送去米面油。", [["长安街道"]]),
    known_bug("临江县总工会在东湖镇西山村开展送温暖活动。", [["临江县总工会"]],
              reason="no event"),
]


def observe_organizers(text):
    return [list(ev.organizers) for ev in extract(text).events]


@pytest.mark.parametrize(("text", "expected"), ORGANIZER_ROWS)
def test_places_and_committees_as_organizers(text, expected):
    assert observe_organizers(text) == expected


# media outlets are the publisher, never an organizer
MEDIA_ROWS = [
    # (article, (publisher, organizers of each event))
    ("东湖日报讯 1月20日，东湖镇总工会为困难职工送去慰问金。", ("东湖日报", [["东湖镇总工会"]])),
    ("东湖镇总工会为困难职工送去慰问金。\n来源:东湖新闻网", ("东湖新闻网", [["东湖镇总工会"]])),
    ("东湖镇总工会为困难职工送去慰问金。\n来源：临江日报", ("临江日报", [["东湖镇总工会"]])),
]


# a region's news outlet is not a body located in that region: (article, outlet) -> its place
def observe_media_place(text, outlet):
    return next((e.place for e in extract(text).entities if e.kind == "org" and e.name == outlet), "not found")


@pytest.mark.parametrize(("text", "outlet"), [
    ("四川新闻网眉山1月21日讯 1月5日，东湖镇总工会为困难职工送去慰问金。", "四川新闻网"),
    ("东湖镇总工会为困难职工送去慰问金。\n来源:四川新闻网", "四川新闻网"),
])
def test_media_outlet_has_no_place(text, outlet):
    assert observe_media_place(text, outlet) is None


def observe_media(text):
    ex = extract(text)
    return ex.publisher, [list(ev.organizers) for ev in ex.events]


@pytest.mark.parametrize(("text", "expected"), MEDIA_ROWS)
def test_media_outlet_is_the_publisher(text, expected):
    assert observe_media(text) == expected


# the place in a news site's name is what it covers, not where it sits; a county media centre is in its county
OUTLET_PLACE_ROWS = [
    ("临江新闻网讯 1月20日，临江县总工会为困难职工送去慰问金。", {"临江新闻网": None}),
    ("东湖信息港讯 1月20日，临江县总工会为困难职工送去慰问金。", {"东湖信息港": None}),
    ("临江县融媒体中心记者到西山村采访。临江县总工会为困难职工送去慰问金。", {"临江县融媒体中心": "临江县"}),
]


@pytest.mark.parametrize(("text", "expected"), OUTLET_PLACE_ROWS)
def test_outlet_places(text, expected):
    orgs = {e.name: e.place for e in extract(text).entities if e.kind == "org"}
    assert {name: orgs.get(name, "missing") for name in expected} == expected


# ================================================================== 3. beneficiary groups
GROUP_ROWS = [
    # open-vocabulary groups, found as written
    ("看望慰问了辖区空巢老人。", {("空巢老人", None)}),
    ("为困境儿童送去学习用品。", {("困境儿童", None)}),
    ("走访慰问了低保边缘户。", {("低保边缘户", None)}),
    ("为重度肢体残疾人送去轮椅。", {("重度肢体残疾人", None)}),
    ("为60岁以上老人免费体检。", {("60岁以上老人", None)}),
    known_bug("慰问了辖区内的80岁以上高龄老人。", {("80岁以上高龄老人", None)},
              reason="groups (name, count) [['高龄老人', None]]"),
    ("为困难职工子女发放助学金。", {("困难职工子女", None)}),
    ("走访慰问了退役军人。", {("退役军人", None)}),
    ("为受灾群众送去棉被。", {("受灾群众", None)}),
    ("为自闭症儿童送去玩具。", {("自闭症儿童", None)}),
    ("东湖镇民政办看望了失独家庭。", {("失独家庭", None)}),
    # no over-merging
    ("看望了空巢老人、独居老人和孤寡老人。", {("空巢老人", None), ("独居老人", None), ("孤寡老人", None)}),
    ("为困境儿童和留守儿童送去书包。", {("困境儿童", None), ("留守儿童", None)}),
    ("看望了烈属和军属。", {("烈属", None), ("军属", None)}),
    # counts
    ("为15名大病职工送去救助金。", {("大病职工", 15)}),
    ("慰问困难职工183人。", {("困难职工", 183)}),
    ("走访慰问了8户低保户。", {("低保户", 8)}),
    ("看望了32名留守儿童。", {("留守儿童", 32)}),
    # a count before a 的-modifier of the group is the group's; not across a conjunction
    ("对4户申请临时救助的重疾家庭发放了救助金。", {("重疾家庭", 4)}),
    ("为12名家住山区的留守儿童送去书包。", {("留守儿童", 12)}),
    ("为17户贫困户以及村里的低保户准备了礼品。", {("贫困户", 17), ("低保户", None)}),
    # a household's life or means (家庭生活情况) is no group of households
    ("详细了解了困难职工的家庭生活情况，为困难职工家庭送去慰问金。", {("困难职工", None), ("困难职工家庭", None)}),
    # an organization's or a place's name is not part of the group
    ("东湖镇退役军人服务站走访慰问了退役军人。", {("退役军人", None)}),
    ("东湖镇党委书记张建国先后看望了西山村老党员和柳树村困难群众。", {("老党员", None), ("困难群众", None)}),
    # residents of an institution; a named institution is a site and its residents are 老人
    ("为敬老院老人送去慰问品。", {("敬老院老人", None)}),
    ("把关爱送给敬老院的老人。", {("敬老院老人", None)}),
    ("为东湖镇敬老院的老人送去月饼。", {("老人", None)}),
    # a head that ends a longer word is no head; a modifier ending in a group is kept
    known_bug("看望了异地务工人员。", {("异地务工人员", None)},
              reason="no group: jieba cuts 异地|务工人员 and the head 人员 inside the token 务工人员 is not split off"),
    ("为治安队员读书子女发放助学金。", {("治安队员读书子女", None)}),
    # a welfare verb after a modifier names a category of 对象 (一般性慰问对象); as the predicate it is none
    ("为一般性慰问对象发放助学金。", {("一般性慰问对象", None)}),
    ("纾困帮扶对象23名，每名助学金5000元。", {("纾困帮扶对象", 23)}),
    ("为大病救助对象发放救助金。", {("大病救助对象", None)}),
    ("走访慰问特殊贫困对象50户。", {("特殊贫困对象", 50)}),
    ("东湖镇总工会为帮扶对象送去慰问金。", set()),
    ("慰问援鄂一线医务人员家属。", {("援鄂一线医务人员家属", None)}),
]


def observe_groups(text):
    return {(g.name, g.count) for g in sentence_mentions(text).groups}


@pytest.mark.parametrize(("text", "expected"), GROUP_ROWS)
def test_groups(text, expected):
    assert observe_groups(text) == expected


# groups that are different groups stay apart: (text, (a name that must not appear, how many groups))
NOT_MERGED_ROWS = [
    ("走访慰问了困难家庭、贫困户和低保户。", ("困难群众", 3)),
    ("看望了空巢老人、独居老人和孤寡老人。", ("老人", 3)),
    ("为困境儿童送去学习用品。", ("留守儿童", 1)),
    ("看望了烈属和军属。", ("军烈属", 2)),
]


def observe_not_merged(text, forbidden):
    got = {g.name for g in sentence_mentions(text).groups}
    return (forbidden if forbidden not in got else f"{forbidden} found"), len(got)


@pytest.mark.parametrize(("text", "expected"), NOT_MERGED_ROWS)
def test_groups_not_merged(text, expected):
    assert observe_not_merged(text, expected[0]) == expected


# the groups of the events, with their counts: a named person does not make a count
GROUP_EVENT_ROWS = [
    ("东湖镇总工会主席张建国看望了困难职工王宝珠，为她送去慰问金2000元。", [[("困难职工", None)]]),
    ("东湖镇总工会为退役军人王海涛送去慰问金。", [[("退役军人", None)]]),
    ("东湖镇总工会为辖区120余名环卫工人送去月饼。", [[("环卫工人", 120)]]),
    ("东湖镇党委慰问全镇困难群众1200户。", [[("困难群众", 1200)]]),
    ("东湖镇总工会为困难职工送去慰问金。", [[("困难职工", None)]]),
    # a bare 老人 after 为 is the beneficiary, also after an organization
    ("东湖镇总工会为老人送去月饼。", [[("老人", None)]]),
    ("西山村村委会为老人送去月饼。", [[("老人", None)]]),
    # a bare head noun after the groups it names again is no group of its own
    ("东湖镇总工会为空巢老人、独居老人送去月饼，为老人们送去新年祝福。", [[("空巢老人", None), ("独居老人", None)]]),
    # the visitors (慰问组人员) are no beneficiaries
    ("临江县总工会慰问组每到一户，慰问组人员都与劳模亲切交谈，送去慰问金。", [[("劳动模范", None)]]),
    # a villager group (X村Y组) is part of the address, not of the group's name
    ("慰问组慰问了柳树村沙河组残疾人吴大田等5户困难群众。", [[("残疾人", None), ("困难群众", 5)]]),
    # how many residents the site has counts the group helped there, not a place's population
    ("东湖镇总工会来到西山敬老院看望孤寡老人，送去月饼。西山敬老院现有36位孤寡老人。", [[("孤寡老人", 36)]]),
    ("东湖镇总工会走访慰问了困难职工。全镇共有200名困难职工。", [[("困难职工", None)]]),
    ("东湖镇总工会走访慰问了15名困难职工。东湖镇敬老院现有36位困难职工。", [[("困难职工", 15)]]),
    # a group right before 为/向/给 + another group is the one giving (医务工作者为老人体检), not a beneficiary
    ("东湖镇总工会为西山敬老院的老人送去慰问品。东湖镇卫生院的医务工作者为每一位老人进行了身体检查，并捐赠了健康书籍。",
     [[("敬老院老人", None)], []]),
    ("临江县志愿者协会的环卫工人为留守儿童送去书包。", [[("留守儿童", None)]]),
    ("东湖镇总工会为环卫工人送去月饼。", [[("环卫工人", None)]]),
    # a status the text reports (该户被纳为低保户) is not a group helped; an honour (被评为劳动模范) is
    ("东湖镇民政办走访了西山村困难群众张大田，该户被纳为低保户，东湖镇民政办为他送去慰问金500元。", [[("困难群众", None)]]),
    ("东湖镇总工会为被评为劳动模范的张大田送去慰问金500元。", [[("劳动模范", None)]]),
]


def observe_event_groups(text):
    return [[(s.group, s.count) for s in ev.shares] for ev in extract(text).events]


@pytest.mark.parametrize(("text", "expected"), GROUP_EVENT_ROWS)
def test_event_groups(text, expected):
    assert observe_event_groups(text) == expected


# ================================================================== 4. goods
GOODS_ROWS = [
    ("为老党员送去鲜花和慰问信。", [("鲜花", None, None), ("慰问信", None, None)]),
    # NUM + unit + item
    ("为环卫工人送去40盒月饼。", [("月饼", 40, "盒")]),
    ("为困难群众送去50袋大米和30桶食用油。", [("大米", 50, "袋"), ("食用油", 30, "桶")]),
    known_bug("为环卫工人送去100件防寒服。", [("防寒服", 100, "件")],
              reason="no goods found"),
    ("为老人送去两床棉被。", [("棉被", 2, "床")]),
    ("为困难职工送去一台电视机。", [("电视机", 1, "台")]),
    # item + NUM + unit
    ("向西山村捐赠口罩5000个。", [("口罩", 5000, "个")]),
    ("向东湖镇卫生院捐赠医用口罩2万只。", [("医用口罩", 20000, "只")]),
    ("为留守儿童送去图书200册。", [("图书", 200, "册")]),
    ("为困难群众送去电风扇10台。", [("电风扇", 10, "台")]),
    ("为困难家庭送去洗衣机3台、冰箱2台。", [("洗衣机", 3, "台"), ("冰箱", 2, "台")]),
    known_bug("向学校捐赠电脑20台、图书500册。", [("电脑", 20, "台"), ("图书", 500, "册")],
              reason="goods (name, quantity, unit) [['图书', 500, '册']]"),
    known_bug("为困难群众送去暖心包30个。", [("暖心包", 30, "个")],
              reason="goods (name, quantity, unit) [['心包', 30, '个']]"),
    ("送去大米20袋、食用油10桶。", [("大米", 20, "袋"), ("食用油", 10, "桶")]),
    # 各 + a quantity after a run of items: each item's quantity; a comma ends the run
    ("给每户送去慰问金300元、大米30斤、棉衣棉被各一套。", [("大米", 30, "斤"), ("棉衣", 1, "套"), ("棉被", 1, "套")]),
    ("为老人送去大米、面粉各一袋。", [("大米", 1, "袋"), ("面粉", 1, "袋")]),
    ("为老人送去大米和面粉，各一袋。", [("大米", None, None), ("面粉", None, None)]),
    # the noun after 等 sums up the items listed before it; a festival named after a food is no good
    ("为老人送去了米、面、油等爱心年货。", [("米", None, None), ("面", None, None), ("油", None, None)]),
    ("为贫困学生送去书包、文具、棉衣等生活和学习用品。", [("书包", None, None), ("文具", None, None), ("棉衣", None, None)]),
    ("捐赠了面包、蛋糕和香蕉等水果。", [("面包", None, None), ("蛋糕", None, None), ("香蕉", None, None)]),
    ("在元宵节到来之际，为留守儿童煮汤圆。", [("汤圆", None, None)]),
    ("东湖镇党委走访困难群众，查看年货准备情况，为他们送去棉被。", [("棉被", None, None)]),
    # what a package holds, told after 礼包中除了…: contents, not goods of their own
    ("为公交职工送去“温暖大礼包”。“温暖大礼包”中除了口罩、福字春联外，还专门配备了冬奥主题保温杯。",
     [("温暖大礼包", None, None), ("温暖大礼包", None, None)]),
    # a single-character good only as a word of its own (米、面、油), never a character of a longer word
    ("绿油油的粽叶、洁白圆润的糯米、香甜可口的蜜枣。", []),
    ("送去大米、面、油。", [("大米", None, None), ("面", None, None), ("油", None, None)]),
    ("为独居老人送去元宵。", [("元宵", None, None)]),
    # lists of items without quantities
    ("为独居老人送去电饭煲和电热毯。", [("电饭煲", None, None), ("电热毯", None, None)]),
    ("为贫困学生送去书包、文具。", [("书包", None, None), ("文具", None, None)]),
    # money, wishes and care are no goods
    ("为困难群众送去慰问金5000元。", []),
    ("为老人们送去了节日的祝福。", []),
    ("为困难群众送去党的温暖。", []),
    ("为困难群众解决实际问题。", []),
]


def observe_goods(text):
    return [(g.name, g.quantity, g.unit) for g in sentence_mentions(text).goods]


@pytest.mark.parametrize(("text", "expected"), GOODS_ROWS)
def test_goods(text, expected):
    assert observe_goods(text) == expected


# the value of goods is money in kind, not cash: (text, ([(value, in_kind)], goods names))
IN_KIND_ROWS = [
    ("送去价值2万元的慰问品。", ([(20000, True)], ["慰问品"])),
    ("为困难群众送去价值3000元的米面油。", ([(3000, True)], ["米", "面", "油"])),  # 米面油 without a quantity: three goods
    ("捐赠价值10万元的防疫物资。", ([(100000, True)], ["防疫物资"])),
    ("为困难群众送去慰问金5000元。", ([(5000, False)], [])),
    # about one unit of a multiplier: 价值近万元, 逾万元
    ("向东湖镇敬老院捐赠了价值近万元的成人纸尿片。", ([(10000, True)], ["成人纸尿片"])),
    ("筹集善款逾万元。", ([(10000, False)], [])),
    ("捐款万元户。", ([], [])),
]


def observe_in_kind(text):
    sm = sentence_mentions(text)
    return [(m.value, m.in_kind) for m in sm.money], [g.name for g in sm.goods]


@pytest.mark.parametrize(("text", "expected"), IN_KIND_ROWS)
def test_money_in_kind(text, expected):
    assert observe_in_kind(text) == expected


# ================================================================== 5. places
PLACE_ROWS = [
    # 和 between two bodies is a conjunction, not the start of the county 和县
    ("临江县东湖乡政府和县教育局领导出席仪式。", {"临江县": None, "东湖乡": "临江县"}),
    # a village before its committee (村两委) is a place; 各村两委 names none
    ("东湖镇党委书记叮嘱西山村两委要关心困难群众。", {"东湖镇": None, "西山村": None}),
    ("东湖镇各村两委走访慰问了困难群众。", {"东湖镇": None}),
    # a county's name between a village and 组 is a villager group; a suffix inside a village's name is no body
    ("临江县总工会看望了瓦厂村沙河组残疾人吴大田。", {"临江县": None, "瓦厂村": "临江县"}),
    # below the county, by suffix, with the parent from adjacency
    ("临江县总工会来到东湖镇西山村看望困难职工。", {"临江县": None, "东湖镇": "临江县", "西山村": "东湖镇"}),
    ("临江县东湖镇西山村党支部为老党员送去慰问金。", {"临江县": None, "东湖镇": "临江县", "西山村": "东湖镇"}),
    ("来到南岗乡柳树村看望困难群众。", {"南岗乡": None, "柳树村": "南岗乡"}),
    ("来到长安街道红星社区看望独居老人。", {"长安街道": None, "红星社区": "长安街道"}),
    ("大兴区总工会来到青石镇柳树村看望困难职工。", {"大兴区": ANY, "青石镇": "大兴区", "柳树村": "青石镇"}),
    ("绩溪县总工会来到东湖镇看望困难职工。", {"绩溪县": ANY, "东湖镇": "绩溪县"}),
    # a street is a place inside the name of its office, also after a city named without its suffix
    ("爱心人士来到大兴区长安街道办事处红星敬老院看望老人。", {"大兴区": ANY, "长安街道": "大兴区"}),
    ("志愿者来到昆明长安街道办事处看望老人。", {"昆明市": None, "长安街道": "昆明市"}),
    # a country is a place where the story goes, not when it qualifies a noun or sits in a body's name
    ("临江县总工会主席张建国赴韩国考察。", {"临江县": None, "韩国": None}),
    ("临江县总工会走访了韩国归侨李红梅。", {"临江县": None}),
    ("中国扶贫基金会为临江县困难群众捐赠大米。", {"临江县": None}),
    ("来到东湖镇张家湾村看望困难群众。", {"东湖镇": None, "张家湾村": "东湖镇"}),
    # a town and its village written as one word
    ("来到文城镇坑美村看望困难群众。", {"文城镇": None, "坑美村": "文城镇"}),
    known_bug("来到花桥镇石门村、桃源村看望困难群众。", {"花桥镇": None, "石门村": "花桥镇", "桃源村": "花桥镇"},
              reason="places {name: parent} {'、桃源村': None, '石门村': '花桥镇', '花桥镇': None}"),
    known_bug("临江县总工会来到东湖镇、青石镇看望困难职工。", {"临江县": None, "东湖镇": "临江县", "青石镇": "临江县"},
              reason="places {name: parent} {'、青石镇': '临江县', '东湖镇': '临江县', '临江县': None}"),
    # county-level names the gazetteer lacks are kept, with the towns under them
    ("东沙县总工会来到南岗乡看望困难职工。", {"东沙县": None, "南岗乡": "东沙县"}),
    ("白沙县总工会来到南岗乡看望困难职工。", {"白沙县": None, "南岗乡": "白沙县"}),
    known_bug("龙和县总工会来到南岗乡看望困难职工。", {"龙和县": None, "南岗乡": "龙和县"},
              reason="places {name: parent} {'南岗乡': None}"),
    known_bug("临江县委书记张建国看望了困难群众。", {"临江县": None},
              reason="no place found"),
    known_bug("临江县驻西山村工作队走访慰问了困难群众。", {"临江县": None, "西山村": ANY},
              reason="places {name: parent} {'临江县': None, '驻西山村': '临江县'}"),
    # old names of counties and county-level cities now districts (撤县设区) are places, as whole words only
    ("萧山市总工会来到东湖镇看望困难职工。", {"萧山市": None, "东湖镇": "萧山市"}),
    ("爱心人士前往江宁县西山村敬老院看望老人。", {"江宁县": None, "西山村": "江宁县"}),
    ("该企业属于新兴市场，也是沿江城市的龙头。", {}),
    ("基金牛市行情下，地级及以上城市的房价上涨。", {}),
    # the place in a body's name is a place
    ("西山村村委会为老人送去月饼。", {"西山村": None}),
    ("东湖镇张家湾村村委会为老人送去月饼。", {"东湖镇": None, "张家湾村": "东湖镇"}),
    # words with an administrative character are no places
    ("镇政府工作人员来到村里看望老人。", {}),
    ("全村困难群众都得到了帮助。", {}),
    ("社区工作人员走访了辖区老人。", {}),
    ("乡亲们纷纷表示感谢。", {}),
]


def observe_places(text):
    return mentioned_places(extract(text))


@pytest.mark.parametrize(("text", "expected"), PLACE_ROWS)
def test_places(text, expected):
    assert observe_places(text) == expected


# ================================================================== 6. events
def _fields(ev):
    return {
        "agents": list(ev.agents), "organizers": list(ev.organizers), "place": ev.place, "site": ev.site,
        "groups": [(s.group, s.count) for s in ev.shares],
        "money": [m.value for m in ev.money], "min": [m.min for m in ev.money], "max": [m.max for m in ev.money],
        "goods": [(g.name, g.quantity) for g in ev.goods], "date": ev.date, "status": ev.status,
    }


EVENT_ROWS = [
    # (article, a piece of the event's sentence, expected fields)
    # a home visited (走访慰问了X敬老院) is the site, and with no group named the visit is for its residents
    ("春节前夕，临江县总工会走访慰问困难职工。县领导郝春明、李建国走访慰问了东湖镇敬老院。", "李建国",
     {"agents": ["郝春明", "李建国"], "site": "东湖镇敬老院", "groups": [("敬老院老人", None)]}),
    # the body that employs the person visited is no site
    ("春节前夕，临江县总工会走访慰问困难职工。县总工会慰问组走访慰问了临江联达化纤有限公司职工吴小田。", "吴小田",
     {"site": None}),
    # a person marked as one of the helped (N岁的…, …老婆婆从…手中接过) is no agent
    ("春节前夕，东湖社区互助协会走访慰问老人。97岁的吴玉兰老婆婆从东湖社区互助协会负责人手中接过1000元慰问金。", "吴玉兰",
     {"agents": []}),
    # 张三是…村民: a villager the story tells of is one of the helped, no agent of what follows
    ("临江县委宣传部到西山村走访慰问困难群众和孤寡老人。周桂芝是西山村三组村民，今年80岁。"
     "近年来，为全村困难群众和孤寡老人送去慰问金和慰问品。", "近年来",
     {"agents": [], "organizers": ["临江县委宣传部"]}),
    # a speaker telling what was already given reports the gift
    ("东湖社区党总支书记郝春明说：“两家企业捐赠的15万元善款，我们已在第一时间发放给社区600多位老人。”", "600多位",
     {"groups": [("老人", 600)]}),
    # people named before 等 + a group are members of the group, not the visitors
    ("桐花街道红星社区郝春燕等网格员来到吴锦娣等空巢老人家中，送去水饺。", "吴锦娣",
     {"agents": ["郝春燕"], "groups": [("空巢老人", None)]}),
    # a delegation (慰问组) goes on with the actors before it; a named 代表 of a group is one of the helped
    ("1月5日，临江县总工会慰问组来到东湖镇。慰问组为困难劳模代表李红梅发放慰问金2000元。", "李红梅",
     {"agents": [], "organizers": ["临江县总工会"], "groups": [("劳动模范", None)], "money": [Decimal(2000)]}),
    # a donor told of in a later paragraph gives to the story's group
    ("1月5日，临江县慈善总会在临江县举行捐赠仪式，为受灾群众捐款10万元。\n\n临江县总工会副主席张建国带领团队来到捐赠点，捐款5万元。",
     "张建国", {"agents": ["张建国"], "organizers": ["临江县总工会"], "groups": [("受灾群众", None)],
               "money": [Decimal(50000)]}),
    # an article about one site: later donors with no place of their own gave there
    ("1月5日，临江县慈善总会在东湖镇敬老院举行捐赠仪式，为老人送去慰问品。\n\n临江县总工会捐赠慰问金5000元。", "5000元",
     {"organizers": ["临江县总工会"], "place": "东湖镇", "site": "东湖镇敬老院"}),
    # two sites: a later donor without a place stays at home
    ("临江县慈善总会在东湖镇敬老院为老人送去慰问品。临江县总工会在西山村小学为留守儿童送去书包。\n\n临江县总工会还捐赠慰问金5000元。",
     "5000元", {"site": None}),
    # under a body's auspices (在X的赞助下) the body is an organizer, not the site
    ("在临江县建工集团的赞助下，东湖镇总工会为困难职工送去慰问金5000元。", "赞助",
     {"organizers": ["临江县建工集团", "东湖镇总工会"], "site": None}),
    # one more official of a body named with a title (区委副书记等领导) is no organizer of his own
    ("春节前夕，大兴区委书记张建国、区长李红梅、区委副书记等领导走访慰问了困难职工。", "区委副书记",
     {"agents": ["张建国", "李红梅"], "organizers": []}),
    # the bodies one assists (协助X) are not the actors
    ("为做好困难职工的生活保障工作，协助县委县政府解决好困难职工生活问题，临江县总工会为困难职工发放救助金。", "协助",
     {"organizers": ["临江县总工会"]}),
    # people after a verb of visiting, with no break before them, are its objects, not visitors
    ("1月20日，东湖镇总工会为困难职工送去慰问金。东湖镇党委书记张建国一行走访慰问了我镇“好人”李红梅以及被评为“最美村民”的退休教师王海涛，"
     "为他们送去新春的祝福。", "王海涛", {"agents": ["张建国"]}),
    # the people called on to give (号召全矿女职工为…) and the staff who serve (医务人员为每一位老人…) are not the helped
    ("东湖煤矿工会为困难职工送去防暑降温食品。活动中，工会号召全矿女职工为困难职工送鞋垫、送毛巾。", "号召",
     {"groups": [("困难职工", None)]}),
    ("1月9日，临江县慈善总会前往东湖镇敬老院看望老人，临江县人民医院的医务人员为每一位老人进行了身体检查。", "医务人员",
     {"groups": [("敬老院老人", None)]}),
    # the story's body named again by a short name, in a new paragraph, is still where the story is
    ("（记者 张晓 ）2月7日，临江县民政局驻东湖镇西山村扶贫工作队带来4000元慰问金，给10户脱贫户送来温暖。\n"
     "在74岁的脱贫户张香新的家里，扶贫工作队和村委人员给他送上400元。", "400元", {"place": "西山村"}),
    # a subheading with no actor of its own is no event; the paragraph under it tells the visit, with its actor
    ("1月20日，东湖镇党委书记张建国、镇长李红梅分别走访慰问了老党员和困难群众。\n看望困难党员王大山\n"
     "1月20日上午，张建国来到西山村，看望困难党员王大山。", "王大山", {"agents": ["张建国"], "place": "西山村"}),
    # the subject carried from an earlier sentence of the paragraph
    ("青石镇总工会主席王海涛一行来到柳树村，看望了老党员。随后，他们为6名困难职工送去慰问金。", "随后",
     {"agents": ["王海涛"], "organizers": ["青石镇总工会"], "groups": [("困难职工", 6)]}),
    known_bug("东湖镇总工会主席张建国来到西山村。他看望了独居老人王大爷，为他送去慰问金500元。", "独居老人",
              {"agents": ["张建国"], "organizers": ["东湖镇总工会"], "place": "西山村", "groups": [("独居老人", None)],
               "money": [Decimal(500)]},
              reason="agents [] (张建国 of the first sentence is not carried over); the rest is right"),
    ("东湖镇党委书记张建国来到西山村。在困难党员王大爷家中，张建国详细询问了他的身体状况，并送上慰问金1000元。", "王大爷",
              {"agents": ["张建国"], "groups": [("困难党员", None)], "money": [Decimal(1000)]}),
    # dates attach to the events of their sentence
    ("1月20日上午，东湖镇党委书记张建国来到西山村，看望慰问了困难群众。\n1月22日，张建国又来到柳树村，看望了老党员。", "1月22日",
     {"agents": ["张建国"], "place": "柳树村", "groups": [("老党员", None)], "date": ("--01-22", None)}),
    ("9月22日，临江县总工会来到东湖镇看望困难职工，并为他们送去月饼。", "月饼",
     {"organizers": ["临江县总工会"], "place": "东湖镇", "groups": [("困难职工", None)], "goods": [("月饼", None)],
      "date": ("--09-22", None)}),
    # a minimum or a maximum is no value
    ("东湖镇总工会为困难职工每人发放慰问金不低于2000元。", "不低于",
     {"money": [None], "min": [Decimal(2000)], "max": [None]}),
    ("东湖镇民政办为低保户发放救助金，每户最低500元。", "最低",
     {"groups": [("低保户", None)], "money": [None], "min": [Decimal(500)], "max": [None]}),
    ("东湖镇总工会为困难职工发放慰问金每人不少于1000元。", "不少于",
     {"money": [None], "min": [Decimal(1000)], "max": [None]}),
    known_bug("东湖镇总工会为困难职工发放慰问金，最高3000元。", "最高",
              {"money": [None], "min": [None], "max": [Decimal(3000)]},
              reason="value 3000, no maxValue"),
    # an activity without money or goods is an event of its organizer
    known_bug("临江县总工会在东湖镇西山村开展送温暖活动。", "送温暖",
              {"organizers": ["临江县总工会"], "place": "西山村"},
              reason="no event for the sentence"),
    known_bug("红星社区开展关爱空巢老人活动。", "空巢老人",
              {"organizers": ["红星社区"], "groups": [("空巢老人", None)]},
              reason="no event for the sentence"),
]


def observe_event(text, anchor, keys):
    """The fields ``keys`` of the one event whose sentence holds ``anchor``, or the number of such events."""
    events = [ev for ev in extract(text).events if anchor in ev.evidence.text]
    if len(events) != 1:
        return f"{len(events)} events"
    got = _fields(events[0])
    return {k: got[k] for k in keys}


@pytest.mark.parametrize(("text", "anchor", "expected"), EVENT_ROWS)
def test_events(text, anchor, expected):
    assert observe_event(text, anchor, expected) == expected


# a sentence looking back on the activity (通过慰问…感受到, 此次慰问…体现了) is no event of its own;
# one that gives something or counts the helped still is
EFFECT_ROWS = [
    ("1月5日，东湖镇总工会为困难职工送去慰问品。通过慰问，进一步拉近了干群距离，也使西山村困难家庭感受到了党和政府的关爱。",
     {("困难职工",)}),
    ("1月5日，东湖镇总工会为困难职工送去慰问品。此次慰问，将关怀送到每个家中，体现了政府对于困难人群的关爱。",
     {("困难职工",)}),
    ("1月5日，东湖镇总工会为困难职工送去慰问品。通过此次活动，东湖镇总工会为12名困难职工送去慰问金，让他们感受到了温暖。",
     {("困难职工",), ("困难职工", 12)}),
]


def observe_group_sets(text):
    """The beneficiary groups of each event, with the count when there is one."""
    return {tuple(x for s in ev.shares for x in ((s.group,) if s.count is None else (s.group, s.count)))
            for ev in extract(text).events}


@pytest.mark.parametrize(("text", "expected"), EFFECT_ROWS)
def test_effect_sentence_is_no_event(text, expected):
    assert observe_group_sets(text) == expected


# one clause holding two visits: one event per visit, each with its place and its group
TWO_VISIT_ROWS = [
    known_bug("东湖镇总工会主席张建国一行首先来到西山村看望老党员，随后又来到柳树村看望困难群众。",
              {("西山村", (("老党员", None),)), ("柳树村", (("困难群众", None),))},
              reason="(place, shares) per event [['柳树村', [['老党员', None], ['困难群众', None]]]]"),
    known_bug("东湖镇党委书记张建国先后看望了西山村老党员和柳树村困难群众。",
              {("西山村", (("老党员", None),)), ("柳树村", (("困难群众", None),))},
              reason="(place, shares) per event [['柳树村', [['村老党员', None], ['困难群众', None]]]]"),
    ("东湖镇总工会于1月20日看望了困难职工；青石镇总工会于1月25日看望了劳动模范。",
     {("东湖镇", (("困难职工", None),)), ("青石镇", (("劳动模范", None),))}),
]


def observe_visits(text):
    return {(ev.place, tuple((s.group, s.count) for s in ev.shares)) for ev in extract(text).events}


@pytest.mark.parametrize(("text", "expected"), TWO_VISIT_ROWS)
def test_two_visits_in_one_sentence(text, expected):
    assert observe_visits(text) == expected


def test_dates_of_two_events_in_one_sentence():
    ex = extract("东湖镇总工会于1月20日看望了困难职工；青石镇总工会于1月25日看望了劳动模范。")
    assert {(ev.organizers, ev.date) for ev in ex.events} == {
        (("东湖镇总工会",), ("--01-20", None)), (("青石镇总工会",), ("--01-25", None))}


# money attached to the right group when a sentence lists several: {(group, amount)}
MONEY_SHARE_ROWS = [
    ("东湖镇总工会为困难职工每人发放慰问金5000元，为大病职工每人发放救助金3000元。",
     {("困难职工", 5000), ("大病职工", 3000)}),
    ("东湖镇总工会为10名困难职工每人发放慰问金1000元，为5名劳动模范每人发放慰问金2000元。",
     {("困难职工", 1000), ("劳动模范", 2000)}),
    known_bug("东湖镇总工会为困难职工每人发放5000元，为大病职工每人发放3000元。",
              {("困难职工", 5000), ("大病职工", 3000)},
              reason="no event at all"),
    # a later donor who gives to the site where the story's group lives gives to that group
    ("东湖镇民政局为西山敬老院的孤寡老人送去月饼。\n\n爱心企业临江建设有限公司向西山敬老院捐赠慰问金5000元。",
     {("孤寡老人", "5000 in total")}),
    # but not to another site
    ("东湖镇民政局为西山敬老院的孤寡老人送去月饼。\n\n爱心企业临江建设有限公司向东湖小学捐赠慰问金5000元。", set()),
]


def observe_money_shares(text):
    """{(group, amount)} over the events, the amounts being per person."""
    return {(s.group, m.value if m.per_person else f"{m.value} in total")
            for ev in extract(text).events for s in ev.shares for m in ev.money}


@pytest.mark.parametrize(("text", "expected"), MONEY_SHARE_ROWS)
def test_money_goes_with_its_group(text, expected):
    assert observe_money_shares(text) == expected


# ================================================================== 7. status and page furniture
STATUS_ROWS = [
    # (article, a piece of the event's sentence, status)
    ("今后，东湖镇总工会将继续为困难职工送去温暖。", "今后", "planned"),
    ("下一步，东湖镇将持续开展走访慰问困难群众活动。", "下一步", "planned"),
    ("东湖镇总工会计划为100名困难职工发放慰问金。", "计划", "planned"),
    ("春节期间，东湖镇总工会还将走访慰问困难职工。", "还将", "planned"),
    known_bug("东湖镇总工会将于春节前走访慰问困难职工。", "将于", "planned",
              reason="status None"),
    ("东湖镇总工会为困难职工送去慰问金。下一步，镇总工会将继续为困难职工送去温暖。", "下一步", "planned"),
    # what happened is not planned; 将 as 把 is no future
    ("东湖镇总工会为困难职工送去慰问金。下一步，镇总工会将继续为困难职工送去温暖。", "送去慰问金", None),
    ("今年，东湖镇总工会继续为困难职工送去慰问金。", "今年", None),
    ("近日，东湖镇总工会将慰问金送到困难职工手中。", "近日", None),
    ("东湖镇总工会已将慰问金发放到困难职工手中。", "已将", None),
]


def observe_status(text, anchor):
    return [ev.status for ev in extract(text).events if anchor in ev.evidence.text]


@pytest.mark.parametrize(("text", "anchor", "status"), STATUS_ROWS)
def test_status(text, anchor, status):
    assert observe_status(text, anchor) == [status]


BODY = "1月20日，东湖镇总工会主席张建国看望了困难职工。"

# a byline is no headline and no actor: (article, (headline, authors, agents of each event))
BYLINE_ROWS = [
    ("□东湖晚报记者 陈志强\n" + BODY, (None, ["陈志强"], [["张建国"]])),
    ("东湖镇总工会看望困难职工\n□东湖晚报记者 陈志强\n" + BODY, ("东湖镇总工会看望困难职工", ["陈志强"], [["张建国"]])),
    ("文/陈志强\n" + BODY, (None, ["陈志强"], [["张建国"]])),
    ("东湖镇总工会看望困难职工\n文/陈志强 图/周晓燕\n" + BODY,
     ("东湖镇总工会看望困难职工", ["陈志强", "周晓燕"], [["张建国"]])),
    ("图/周晓燕\n" + BODY, (None, ["周晓燕"], [["张建国"]])),
    ("东湖镇总工会看望困难职工\n（记者 陈志强）\n" + BODY, ("东湖镇总工会看望困难职工", ["陈志强"], [["张建国"]])),
    known_bug("文/图 陈志强\n" + BODY, (None, ["陈志强"], [["张建国"]]),
              reason="(headline, authors, agents) [None, [], [['张建国']]]"),
    known_bug("陈志强 摄\n" + BODY, (None, ["陈志强"], [["张建国"]]),
              reason="(headline, authors, agents) ['陈志强摄', [], [['张建国']]]"),
    known_bug("□记者 陈志强 实习生 周晓燕\n" + BODY, (None, ["陈志强", "周晓燕"], [["张建国"]]),
              reason="(headline, authors, agents) [None, ['陈志强'], [['张建国']]]"),
]


def observe_byline(text):
    ex = extract(text)
    return ex.headline, [a.name for a in ex.authors], [list(ev.agents) for ev in ex.events]


@pytest.mark.parametrize(("text", "expected"), BYLINE_ROWS)
def test_bylines(text, expected):
    assert observe_byline(text) == expected


# the role of each name of a byline
AUTHOR_ROLE_ROWS = [
    ("□本报记者 陈志强 通讯员 赵丽娟\n" + BODY, [("陈志强", "记者"), ("赵丽娟", "通讯员")]),
    ("本报讯（记者 陈志强 通讯员 赵丽娟）" + BODY, [("陈志强", "记者"), ("赵丽娟", "通讯员")]),
]


def observe_author_roles(text):
    return [(a.name, a.role) for a in extract(text).authors]


@pytest.mark.parametrize(("text", "expected"), AUTHOR_ROLE_ROWS)
def test_author_roles(text, expected):
    assert observe_author_roles(text) == expected


# a reporter named in the body is no actor of the event it reports:
# (article, (authors, [(agents, organizers, place) of each event]))
REPORTER_ROWS = [
    ("本报讯（记者 陈志强）" + BODY, (["陈志强"], [(["张建国"], ["东湖镇总工会"], "东湖镇")])),
    ("记者陈志强从东湖镇获悉，镇总工会为困难职工送去慰问金。", (["陈志强"], [([], ["东湖镇总工会"], "东湖镇")])),
    # a name in brackets right after the dateline, with no title written, is the reporter
    ("新华网6月11日讯(陈志强)9日上午，东湖镇总工会为困难职工送去慰问金。", (["陈志强"], [([], ["东湖镇总工会"], "东湖镇")])),
    known_bug("临江晚报讯（记者 陈志强）东湖镇总工会为困难职工送去慰问金。", (["陈志强"], [([], ["东湖镇总工会"], "东湖镇")]),
              reason="(authors, [(agents, organizers, place)]) [['陈志强'], [[[], ['东湖镇总工会'], '）东湖镇']]]"),
]


def observe_reporter(text):
    ex = extract(text)
    return [a.name for a in ex.authors], [(list(ev.agents), list(ev.organizers), ev.place) for ev in ex.events]


@pytest.mark.parametrize(("text", "expected"), REPORTER_ROWS)
def test_reporter_is_no_actor(text, expected):
    assert observe_reporter(text) == expected


# ================================================================== 8. names inside names
NAME_IN_NAME_ROWS = [
    # (text, (persons, places named)): a person's name that ends like a county is no place
    ("东湖镇总工会副主席王朝阳看望了困难职工。", ({"王朝阳"}, {"东湖镇"})),
    ("大兴区总工会副主席周大兴看望了困难职工。", ({"周大兴"}, {"大兴区"})),
    ("临江县副县长刘永川来到西山村看望老党员。", ({"刘永川"}, {"临江县", "西山村"})),
    ("西山村党支部书记赵海淀为老人送去慰问品。", ({"赵海淀"}, {"西山村"})),
    ("东湖镇副镇长马东城看望了独居老人。", ({"马东城"}, {"东湖镇"})),
    ("东湖镇总工会副主席何江宁看望了困难职工。", ({"何江宁"}, {"东湖镇"})),
    ("困难职工高嘉定说，感谢工会的关心。", ({"高嘉定"}, set())),
    ("困难职工张密云说，感谢工会的关心。", ({"张密云"}, set())),
    ("东湖镇党委书记孙长安走访慰问了困难群众。", ({"孙长安"}, {"东湖镇"})),
    known_bug("困难职工杨和平说，感谢工会的关心。", ({"杨和平"}, set()),
              reason="no person found (and no place)"),
    # an organization's name holds no person
    ("林海建筑工程有限公司为困难职工送去慰问金。", (set(), set())),
    ("金鑫商贸有限公司为困难群众捐赠大米。", (set(), set())),
    ("周氏慈善基金会为困难群众送去慰问品。", (set(), set())),
    ("王海涛志愿服务队为环卫工人送去慰问品。", (set(), set())),
    ("李红梅爱心工作室为孤寡老人送去棉被。", (set(), set())),
    ("张家湾村委会主任赵丽娟看望了独居老人。", ({"赵丽娟"}, ANY)),
]


def observe_names_inside(text):
    ex = extract(text)
    return names(ex, "person"), set(mentioned_places(ex))


@pytest.mark.parametrize(("text", "expected"), NAME_IN_NAME_ROWS)
def test_names_inside_names(text, expected):
    assert observe_names_inside(text) == expected


# the organization named after a person is found whole, and organizes the event: (text, organizers of each event)
ORG_NAMED_AFTER_ROWS = [
    ("王海涛志愿服务队为环卫工人送去慰问品。", [["王海涛志愿服务队"]]),
    known_bug("李红梅爱心工作室为孤寡老人送去棉被。", [["李红梅爱心工作室"]],
              reason="no organization found: the event has no organizer"),
    ("周氏慈善基金会为困难群众送去慰问品。", [["周氏慈善基金会"]]),
]


@pytest.mark.parametrize(("text", "expected"), ORG_NAMED_AFTER_ROWS)
def test_org_named_after_a_person(text, expected):
    assert observe_organizers(text) == expected


# ================================================================== 9. off-genre articles
OFF_GENRE_ROWS = [
    # (article, whether it tells a welfare event)
    ("华兴基金公司旗下新基金募集资金20亿元，将于下月发行。", False),
    ("该基金主要面向老年投资者，首发募集资金50亿元。", False),
    ("该款手机配备三颗后置摄像头，售价3999元。", False),
    ("该款手机专为老人设计，配备大字体和一键呼救功能，购机赠送耳机。", False),
    ("华兴股份有限公司向全体股东发放红利，每10股派发现金红利5元。", False),
    ("凡在本月购房的业主，开发商赠送车位一个。", False),
    ("华兴地产推出新楼盘，购房即赠送车位，另送价值2万元的家电。", False),
    ("东湖队在比赛中以3比1战胜青石队，赛后俱乐部为球员发放奖金50万元。", False),
    ("东湖队主场迎战青石队，赛前俱乐部向现场球迷赠送围巾5000条。", False),
    ("赛后，东湖队向受伤的青石队球员表示慰问。", False),
    ("华兴电器开展“冬季送温暖”促销活动，空调直降500元。", False),
    ("东湖超市开展促销活动，购物满100元赠送食用油一桶。", False),
    ("华兴超市开展爱心助老促销，60岁以上老人购物享九折。", False),
    ("华兴汽车4S店开展关爱老客户活动，为老客户免费送去保养券。", False),
    # a report of a period's statistics tells totals, not events
    ("报告指出，2020年全省共接收社会各界捐款共计12亿元，比上年增长8.5%。报告称，这些捐赠款物使300万人次困难群众受益。",
     False),
    # a trigger's characters inside other words (帮助|学生 holds 助学) are no trigger
    ("东湖大学帮助学生申请学校，贫困学生可减免学费。", False),
    # the subject receives the help (受到…的资助): no one is said to give anything
    ("华兴大学受到国家的大力资助，给予贫困学生优厚的福利待遇。", False),
    ("东湖中学得到了市政府的资助，贫困学生可免交学费。", False),
    # the welfare news beside them
    ("东湖镇总工会为困难职工送去慰问金2000元。", True),
    ("华兴建材有限公司为西山村困难群众捐赠大米。", True),
    ("青石镇民政办资助了20名困难学生。", True),
    ("困难职工张建国得到救助后，东湖镇总工会又为他送去慰问金2000元。", True),
    ("东湖镇总工会主席张建国帮助困难学生申请助学金，为他们送去书包20个。", True),
]


def observe_welfare(text):
    """Whether the article yields any event."""
    return bool(extract(text).events)


@pytest.mark.parametrize(("text", "welfare"), OFF_GENRE_ROWS)
def test_off_genre(text, welfare):
    assert observe_welfare(text) == welfare
