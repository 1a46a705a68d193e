"""The ontology (ontology/kg.ttl), the SHACL shapes and kg.validate keep the contract.

The contract (ONTOLOGY.md) is copied below as tables of IRIs, so these tests run
without the shared folder.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, OWL, PROV, SKOS

from kg.ontology import KGO, SDO
from kg.validate import ONTOLOGY_FILE, SHAPES_FILE, load_ontology, validate

KGO_NS = str(KGO._NS)
SH = Namespace("http://www.w3.org/ns/shacl#")
# A plain Namespace: pytest probing rdflib's XSD DefinedNamespace at collection emits warnings.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
REPO = Path(__file__).resolve().parent.parent
CONTRACT_DOC = REPO.parent / "shared" / "ONTOLOGY.md"

# ---------------------------------------------------------------------------
# The contract, as tables

CONTRACT_CLASSES = [
    "Article", "Organization", "TradeUnion", "PartyOrganization", "GovernmentBody",
    "PeoplesCongress", "PoliticalConsultativeBody", "MedicalInstitution", "Association",
    "Enterprise", "Person", "Place", "BeneficiaryGroup", "Event", "Visit", "Donation",
    "Fundraising", "AidDelivery", "Appeal", "Goods", "BeneficiaryShare",
    # added by the code, declared in kg.ttl
    "MediaOrganization",
]

CONTRACT_PROPERTIES = [
    "title", "locatedIn", "adminLevel", "agent", "organizer", "place", "site",
    "beneficiary", "beneficiaryCount", "beneficiaryShare", "amount", "purpose",
    "approximate", "perPerson", "goods", "date", "startDate", "endDate", "summary",
    "status", "evidence", "evidenceStart", "evidenceEnd", "confidence", "mentionedIn",
    "sourcePath", "contentHash",
    # added by the code, declared in kg.ttl
    "region",
]

SUBCLASS_AXIOMS = [
    (KGO.Article, SDO.NewsArticle),
    (KGO.Organization, ORG.Organization),
    (KGO.TradeUnion, KGO.Organization),
    (KGO.PartyOrganization, KGO.Organization),
    (KGO.GovernmentBody, KGO.Organization),
    (KGO.PeoplesCongress, KGO.Organization),
    (KGO.PoliticalConsultativeBody, KGO.Organization),
    (KGO.MedicalInstitution, KGO.Organization),
    (KGO.Association, KGO.Organization),
    (KGO.Enterprise, KGO.Organization),
    (KGO.MediaOrganization, KGO.Organization),
    (KGO.Person, FOAF.Person),
    (KGO.Place, SDO.Place),
    (KGO.BeneficiaryGroup, SKOS.Concept),
    (KGO.BeneficiaryGroup, SDO.Audience),
    (KGO.Event, SDO.Event),
    (KGO.Visit, KGO.Event),
    (KGO.Donation, KGO.Event),
    (KGO.Donation, SDO.DonateAction),
    (KGO.Fundraising, KGO.Event),
    (KGO.AidDelivery, KGO.Donation),
    (KGO.Appeal, KGO.Event),
    (KGO.Goods, SDO.TypeAndQuantityNode),
]

# Properties used on more than one kind of subject: an rdfs:domain would mistype nodes.
NO_DOMAIN = [
    KGO.beneficiary, KGO.beneficiaryCount, KGO.evidence, KGO.evidenceStart,
    KGO.evidenceEnd, KGO.confidence, KGO.mentionedIn,
]

DOMAIN_RANGE = [
    (KGO.locatedIn, KGO.Organization, KGO.Place),
    (KGO.agent, KGO.Event, KGO.Person),
    (KGO.organizer, KGO.Event, KGO.Organization),
    (KGO.place, KGO.Event, KGO.Place),
    (KGO.site, KGO.Event, KGO.Organization),
    (KGO.amount, KGO.Event, SDO.MonetaryAmount),
    (KGO.goods, KGO.Event, KGO.Goods),
    (KGO.beneficiaryShare, KGO.Event, KGO.BeneficiaryShare),
    (KGO.region, KGO.Article, KGO.Place),
    (KGO.adminLevel, KGO.Place, XSD.string),
    (KGO.approximate, SDO.MonetaryAmount, XSD.boolean),
    (KGO.perPerson, SDO.MonetaryAmount, XSD.boolean),
]

RANGE_ONLY = [
    (KGO.beneficiary, KGO.BeneficiaryGroup),
    (KGO.beneficiaryCount, XSD.integer),
    (KGO.evidence, RDF.langString),
    (KGO.evidenceStart, XSD.integer),
    (KGO.evidenceEnd, XSD.integer),
    (KGO.confidence, XSD.decimal),
    (KGO.mentionedIn, KGO.Article),
]

# Terms from other vocabularies that the shapes may name.
EXTERNAL_TERMS = {
    RDF.type, RDFS.label, SKOS.altLabel, PROV.wasDerivedFrom,
    ORG.Membership, ORG.member, ORG.organization, ORG.subOrganizationOf,
    SDO.MonetaryAmount, SDO.currency, SDO.value, SDO.minValue, SDO.maxValue,
    SDO.name, SDO.amountOfThisGood, SDO.unitText, SDO.containedInPlace,
    SDO.author, SDO.headline, SDO.datePublished, SDO.publisher, SKOS.broader,
}

PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def kgo_terms_in_namespace() -> list[str]:
    return sorted(KGO.__annotations__)


def kgo_subjects(graph: Graph) -> set[str]:
    return {
        str(s)[len(KGO_NS):] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(KGO_NS)
    }


# ---------------------------------------------------------------------------
# The files


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_turtle_file_parses(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/kg-news/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert {lit.language for lit in ontology.objects(header, RDFS.label)} >= {"zh", "en"}


# ---------------------------------------------------------------------------
# Namespace <-> ontology


@pytest.mark.parametrize("name", kgo_terms_in_namespace())
def test_namespace_term_is_declared_with_labels_and_comment(ontology: Graph, name: str) -> None:
    term = KGO[name]
    types = set(ontology.objects(term, RDF.type))
    assert types & ({OWL.Class, SKOS.ConceptScheme} | PROPERTY_TYPES), \
        f"kgo:{name} is not declared as a class, property or concept scheme in kg.ttl"
    labels = list(ontology.objects(term, RDFS.label))
    assert sorted(lit.language for lit in labels) == ["en", "zh"], f"kgo:{name} labels: {labels}"
    zh = next(lit for lit in labels if lit.language == "zh")
    assert re.search(r"[\u4e00-\u9fff]", zh), f"kgo:{name} zh label is not Chinese: {zh!r}"
    comments = list(ontology.objects(term, RDFS.comment))
    assert len(comments) == 1 and comments[0].language == "en", f"kgo:{name} comments: {comments}"


def test_every_ontology_term_is_in_namespace(ontology: Graph) -> None:
    missing = kgo_subjects(ontology) - set(kgo_terms_in_namespace())
    assert not missing, f"declared in kg.ttl but not in kg/ontology.py KGO: {sorted(missing)}"


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class_is_declared(ontology: Graph, name: str) -> None:
    assert (KGO[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_property_is_declared(ontology: Graph, name: str) -> None:
    assert set(ontology.objects(KGO[name], RDF.type)) & PROPERTY_TYPES


def test_namespace_keeps_contract_terms() -> None:
    missing = set(CONTRACT_CLASSES + CONTRACT_PROPERTIES) - set(kgo_terms_in_namespace())
    assert not missing, f"contract terms missing from kg/ontology.py KGO (never rename): {sorted(missing)}"


def test_contract_document_terms_are_in_tables() -> None:
    """Keep the tables above true to ONTOLOGY.md where the shared folder exists."""
    if not CONTRACT_DOC.is_file():
        pytest.skip(f"{CONTRACT_DOC} not present")
    named = set(re.findall(r"`kgo:(\w+)", CONTRACT_DOC.read_text(encoding="utf-8")))
    missing = named - set(CONTRACT_CLASSES + CONTRACT_PROPERTIES)
    assert not missing, f"ONTOLOGY.md names terms the tables lack: {sorted(missing)}"


def term_uses() -> list[tuple[str, str]]:
    """Return (file, term) for every kgo:Term in queries/ and KGO.Term or kgo:Term in kg/."""
    uses = set()
    files = sorted(REPO.glob("queries/**/*.rq")) + sorted(REPO.glob("kg/**/*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"\bkgo:([A-Za-z]\w*)", text) + re.findall(r"\bKGO\.([A-Za-z]\w*)", text):
            uses.add((str(path.relative_to(REPO)), name))
    return sorted(uses)


@pytest.mark.parametrize("where, name", term_uses())
def test_term_used_in_code_or_queries_is_declared(ontology: Graph, where: str, name: str) -> None:
    assert (KGO_NS + name) in {str(s) for s in ontology.subjects(RDFS.label, None)}, f"{where} uses undeclared kgo:{name}"


# ---------------------------------------------------------------------------
# Axioms


@pytest.mark.parametrize("sub, sup", SUBCLASS_AXIOMS, ids=lambda t: t.n3() if hasattr(t, "n3") else str(t))
def test_subclass_axiom(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize("prop", NO_DOMAIN, ids=str)
def test_shared_property_has_no_domain(ontology: Graph, prop: URIRef) -> None:
    assert ontology.value(prop, RDFS.domain) is None


@pytest.mark.parametrize("prop, domain, range_", DOMAIN_RANGE, ids=lambda t: str(t))
def test_domain_and_range(ontology: Graph, prop: URIRef, domain: URIRef, range_: URIRef) -> None:
    assert list(ontology.objects(prop, RDFS.domain)) == [domain]
    assert list(ontology.objects(prop, RDFS.range)) == [range_]


@pytest.mark.parametrize("prop, range_", RANGE_ONLY, ids=lambda t: str(t))
def test_range(ontology: Graph, prop: URIRef, range_: URIRef) -> None:
    assert list(ontology.objects(prop, RDFS.range)) == [range_]


def test_date_range_is_date_or_month_day(ontology: Graph) -> None:
    for prop in (KGO.date, KGO.startDate, KGO.endDate):
        union = ontology.value(ontology.value(prop, RDFS.range), OWL.unionOf)
        assert set(ontology.items(union)) == {XSD.date, XSD.gMonthDay}, prop


# ---------------------------------------------------------------------------
# Shapes <-> ontology


def shape_terms(shapes: Graph) -> set[URIRef]:
    terms = set()
    for pred in (SH.path, SH["class"], SH.targetClass, SH.targetSubjectsOf, SH.hasValue, SH.lessThan, SH.lessThanOrEquals):
        terms |= {o for o in shapes.objects(None, pred) if isinstance(o, URIRef)}
    return terms


def test_shapes_name_only_declared_terms(ontology: Graph, shapes: Graph) -> None:
    declared = {URIRef(KGO_NS + name) for name in kgo_subjects(ontology)}
    unknown = shape_terms(shapes) - declared - EXTERNAL_TERMS
    assert not unknown, f"shapes.ttl names undeclared terms: {sorted(unknown)}"


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_every_property_is_shaped(shapes: Graph, name: str) -> None:
    prop = KGO[name]
    assert (None, SH.path, prop) in shapes, f"no property shape constrains kgo:{name}"
    assert (None, SH.targetSubjectsOf, prop) in shapes, f"no shape states the subject of kgo:{name}"


def test_every_constraint_has_a_message_naming_its_path(shapes: Graph) -> None:
    for shape, path in shapes.subject_objects(SH.path):
        if (None, RDF.first, shape) in shapes:
            continue  # a member of an sh:or list: the enclosing node shape carries the message
        message = shapes.value(shape, SH.message)
        curie = shapes.namespace_manager.normalizeUri(path)
        assert message is not None, f"the property shape on {curie} has no sh:message"
        assert str(message).startswith(curie + ":"), f"{message!r} does not start with {curie}"


def test_every_message_starts_with_a_known_term(ontology: Graph, shapes: Graph) -> None:
    declared = {URIRef(KGO_NS + name) for name in kgo_subjects(ontology)} | EXTERNAL_TERMS
    for message in shapes.objects(None, SH.message):
        match = re.match(r"(\w+):(\w+): ", str(message))
        assert match, f"message does not start with 'prefix:term: ': {message!r}"
        namespace = shapes.namespace_manager.store.namespace(match[1])
        assert namespace is not None and URIRef(namespace + match[2]) in declared, message


# ---------------------------------------------------------------------------
# Validation: one conforming graph, then broken variants of it

PREFIXES = """\
@prefix kgo: <https://w3id.org/kg-news/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix doc: <https://w3id.org/kg-news/id/article/0123456789abcdef/> .
@prefix place: <https://w3id.org/kg-news/id/place/> .
@prefix org_: <https://w3id.org/kg-news/id/org/> .
@prefix person: <https://w3id.org/kg-news/id/person/> .
@prefix group: <https://w3id.org/kg-news/id/group/> .
@prefix article: <https://w3id.org/kg-news/id/article/> .
"""

# Prefixed names may not contain "/", so nested IRIs are written in full.
GOOD = PREFIXES + """
article:0123456789abcdef a kgo:Article ;
    kgo:sourcePath "examples/daxing_songwennuan.txt" ;
    kgo:contentHash "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" ;
    kgo:region place:北京市\\/大兴区 ;
    schema:headline "大兴区总工会：送温暖"@zh ;
    schema:author person:北京市\\/大兴区\\/孙艳 .

place:北京市 a kgo:Place ;
    rdfs:label "北京市"@zh ;
    kgo:adminLevel "municipality" .

place:北京市\\/大兴区 a kgo:Place ;
    rdfs:label "大兴区"@zh ;
    kgo:adminLevel "district" ;
    schema:containedInPlace place:北京市 ;
    kgo:mentionedIn article:0123456789abcdef .

place:北京市\\/大兴区\\/榆垡镇\\/曹辛庄村 a kgo:Place ;
    rdfs:label "曹辛庄村"@zh ;
    kgo:adminLevel "village" ;
    schema:containedInPlace place:北京市\\/大兴区 .

org_:北京市\\/大兴区\\/大兴区总工会 a kgo:TradeUnion, kgo:Organization ;
    rdfs:label "大兴区总工会"@zh ;
    skos:altLabel "区总工会"@zh, "北京市大兴区总工会"@zh ;
    kgo:locatedIn place:北京市\\/大兴区 ;
    kgo:mentionedIn article:0123456789abcdef .

org_:北京市\\/大兴区\\/大兴区人民医院 a kgo:MedicalInstitution, kgo:Organization ;
    rdfs:label "大兴区人民医院"@zh ;
    kgo:locatedIn place:北京市\\/大兴区 .

person:北京市\\/大兴区\\/施剑 a kgo:Person ;
    rdfs:label "施剑"@zh ;
    kgo:mentionedIn article:0123456789abcdef .

person:北京市\\/大兴区\\/孙艳 a kgo:Person ;
    rdfs:label "孙艳"@zh .

group:大病职工 a kgo:BeneficiaryGroup ;
    rdfs:label "大病职工"@zh .

group:困难职工 a kgo:BeneficiaryGroup ;
    rdfs:label "困难职工"@zh .

doc:membership\\/0 a org:Membership ;
    org:member person:北京市\\/大兴区\\/施剑 ;
    org:organization org_:北京市\\/大兴区\\/大兴区总工会 ;
    kgo:title "主席"@zh ;
    prov:wasDerivedFrom article:0123456789abcdef ;
    kgo:evidence "区总工会主席施剑"@zh ;
    kgo:evidenceStart 10 ;
    kgo:evidenceEnd 18 ;
    kgo:confidence 0.9 .

doc:event\\/0 a kgo:Visit, kgo:AidDelivery, kgo:Event ;
    kgo:agent person:北京市\\/大兴区\\/施剑 ;
    kgo:organizer org_:北京市\\/大兴区\\/大兴区总工会 ;
    kgo:place place:北京市\\/大兴区\\/榆垡镇\\/曹辛庄村 ;
    kgo:site org_:北京市\\/大兴区\\/大兴区人民医院 ;
    kgo:beneficiary group:大病职工, group:困难职工 ;
    kgo:beneficiaryShare doc:event\\/0\\/share\\/0 ;
    kgo:amount doc:event\\/0\\/amount\\/0, doc:event\\/0\\/amount\\/1 ;
    kgo:goods doc:event\\/0\\/goods\\/0 ;
    kgo:startDate "--01-13"^^xsd:gMonthDay ;
    kgo:endDate "--01-16"^^xsd:gMonthDay ;
    kgo:summary false ;
    prov:wasDerivedFrom article:0123456789abcdef ;
    kgo:evidence "施剑走访慰问大病职工107人，发放救助金51000元。"@zh ;
    kgo:evidenceStart 20 ;
    kgo:evidenceEnd 47 ;
    kgo:confidence 0.8 .

doc:event\\/0\\/share\\/0 a kgo:BeneficiaryShare ;
    kgo:beneficiary group:大病职工 ;
    kgo:beneficiaryCount 107 .

doc:event\\/0\\/amount\\/0 a schema:MonetaryAmount ;
    schema:currency "CNY" ;
    schema:value 51000.0 ;
    kgo:purpose "救助金"@zh ;
    kgo:perPerson false ;
    kgo:approximate false .

doc:event\\/0\\/amount\\/1 a schema:MonetaryAmount ;
    schema:currency "CNY" ;
    schema:minValue 3000.0 ;
    schema:maxValue 50000.0 .

doc:event\\/0\\/goods\\/0 a kgo:Goods ;
    schema:name "方便面"@zh ;
    schema:amountOfThisGood 800.0 ;
    schema:unitText "箱"@zh .

doc:event\\/1 a kgo:Appeal, kgo:Event ;
    kgo:date "2020-02-01"^^xsd:date ;
    kgo:status "planned" ;
    prov:wasDerivedFrom article:0123456789abcdef ;
    kgo:evidence "倡议开展一元捐、十元捐活动。"@zh ;
    kgo:evidenceStart 50 ;
    kgo:evidenceEnd 64 ;
    kgo:confidence 0.5 .
"""

SPARQL_PREFIXES = "\n".join(
    line.replace("@prefix", "PREFIX").rstrip(" .") for line in PREFIXES.splitlines()
)
E0 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/0>"
E1 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/1>"
M0 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/membership/0>"
AMT0 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/0/amount/0>"
AMT1 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/0/amount/1>"
GOODS0 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/0/goods/0>"
SHARE0 = "<https://w3id.org/kg-news/id/article/0123456789abcdef/event/0/share/0>"
ART = "<https://w3id.org/kg-news/id/article/0123456789abcdef>"
UNION = "<https://w3id.org/kg-news/id/org/北京市/大兴区/大兴区总工会>"
HOSPITAL = "<https://w3id.org/kg-news/id/org/北京市/大兴区/大兴区人民医院>"
SHI = "<https://w3id.org/kg-news/id/person/北京市/大兴区/施剑>"
BEIJING = "<https://w3id.org/kg-news/id/place/北京市>"
DAXING = "<https://w3id.org/kg-news/id/place/北京市/大兴区>"


def replace(subject: str, prop: str, new: str | None) -> str:
    """Return a SPARQL update replacing every ``subject prop ?o`` by ``new`` (or deleting it)."""
    insert = f"INSERT {{ {subject} {prop} {new} }}" if new is not None else ""
    return f"DELETE {{ {subject} {prop} ?o }} {insert} WHERE {{ {subject} {prop} ?o }}"


def add(subject: str, prop: str, obj: str) -> str:
    return f"INSERT DATA {{ {subject} {prop} {obj} }}"


# (id, SPARQL update on GOOD, text the report must contain)
BROKEN = [
    ("event-without-provenance", replace(E0, "prov:wasDerivedFrom", None), "prov:wasDerivedFrom"),
    ("event-with-two-sources", add(E0, "prov:wasDerivedFrom", "<https://w3id.org/kg-news/id/article/ffff>"), "prov:wasDerivedFrom"),
    ("provenance-not-an-article", replace(E1, "prov:wasDerivedFrom", BEIJING), "prov:wasDerivedFrom"),
    ("membership-without-provenance", replace(M0, "prov:wasDerivedFrom", None), "prov:wasDerivedFrom"),
    ("event-without-evidence", replace(E1, "kgo:evidence", None), "kgo:evidence"),
    ("evidence-without-language", replace(E0, "kgo:evidence", '"施剑走访慰问大病职工。"'), "kgo:evidence"),
    ("evidence-in-english", replace(E0, "kgo:evidence", '"Shi Jian visited."@en'), "kgo:evidence"),
    ("evidence-start-missing", replace(M0, "kgo:evidenceStart", None), "kgo:evidenceStart"),
    ("evidence-start-not-integer", replace(E0, "kgo:evidenceStart", '"20"'), "kgo:evidenceStart"),
    ("evidence-start-after-end", replace(E0, "kgo:evidenceStart", "50"), "kgo:evidenceStart"),
    ("evidence-end-negative", replace(E1, "kgo:evidenceEnd", "-1"), "kgo:evidenceEnd"),
    ("evidence-length-not-span", replace(E1, "kgo:evidenceEnd", "70"), "kgo:evidenceEnd"),
    ("evidence-text-shortened", replace(M0, "kgo:evidence", '"主席施剑"@zh'), "kgo:evidenceEnd"),
    ("fact-not-under-its-article",
     add(ART.replace("0123456789abcdef", "fedcba9876543210"), "a", "kgo:Article") + ";\n"
     + replace(E1, "prov:wasDerivedFrom", ART.replace("0123456789abcdef", "fedcba9876543210")),
     "prov:wasDerivedFrom"),
    ("confidence-above-one", replace(E0, "kgo:confidence", "1.5"), "kgo:confidence"),
    ("confidence-negative", replace(M0, "kgo:confidence", '"-0.1"^^xsd:decimal'), "kgo:confidence"),
    ("confidence-double", replace(E0, "kgo:confidence", '"0.8"^^xsd:double'), "kgo:confidence"),
    ("confidence-missing", replace(E1, "kgo:confidence", None), "kgo:confidence"),
    ("agent-is-organization", add(E0, "kgo:agent", UNION), "kgo:agent"),
    ("agent-is-literal", add(E1, "kgo:agent", '"施剑"@zh'), "kgo:agent"),
    ("organizer-is-person", replace(E0, "kgo:organizer", SHI), "kgo:organizer"),
    ("site-is-place", replace(E0, "kgo:site", DAXING), "kgo:site"),
    ("place-is-organization", replace(E0, "kgo:place", UNION), "kgo:place"),
    ("beneficiary-is-literal", add(E1, "kgo:beneficiary", '"大病职工"@zh'), "kgo:beneficiary"),
    ("beneficiary-count-not-integer", add(E1, "kgo:beneficiaryCount", '"15名"'), "kgo:beneficiaryCount"),
    ("share-without-count", replace(SHARE0, "kgo:beneficiaryCount", None), "kgo:beneficiaryCount"),
    ("share-without-group", replace(SHARE0, "kgo:beneficiary", None), "kgo:beneficiary"),
    ("share-not-a-share", replace(E0, "kgo:beneficiaryShare", BEIJING), "kgo:beneficiaryShare"),
    ("amount-not-monetary", replace(E0, "kgo:amount", GOODS0), "kgo:amount"),
    ("amount-without-currency", replace(AMT0, "schema:currency", None), "schema:currency"),
    ("amount-in-dollars", replace(AMT0, "schema:currency", '"USD"'), "schema:currency"),
    ("amount-without-value", replace(AMT0, "schema:value", None), "schema:value"),
    ("amount-value-integer", replace(AMT0, "schema:value", '"51000"^^xsd:integer'), "schema:value"),
    ("amount-value-string", replace(AMT0, "schema:value", '"5.1万元"'), "schema:value"),
    ("amount-min-above-max", replace(AMT1, "schema:minValue", "60000.0"), "schema:minValue"),
    ("per-person-not-boolean", replace(AMT0, "kgo:perPerson", '"每人"'), "kgo:perPerson"),
    ("approximate-twice", add(AMT0, "kgo:approximate", "true"), "kgo:approximate"),
    ("approximate-used-on-goods", add(GOODS0, "kgo:approximate", "true"), "kgo:approximate"),
    ("goods-without-name", replace(GOODS0, "schema:name", None), "schema:name"),
    ("goods-quantity-string", replace(GOODS0, "schema:amountOfThisGood", '"800箱"'), "schema:amountOfThisGood"),
    ("goods-not-goods", replace(E0, "kgo:goods", AMT0), "kgo:goods"),
    ("date-as-text", replace(E1, "kgo:date", '"2月1日"@zh'), "kgo:date"),
    ("date-as-datetime", replace(E1, "kgo:date", '"2020-02-01T00:00:00"^^xsd:dateTime'), "kgo:date"),
    ("two-start-dates", add(E0, "kgo:startDate", '"--01-14"^^xsd:gMonthDay'), "kgo:startDate"),
    ("summary-not-boolean", replace(E0, "kgo:summary", '"yes"'), "kgo:summary"),
    ("event-subclass-without-event", replace(E1, "a", "kgo:Appeal"), "rdf:type"),
    ("membership-without-title", replace(M0, "kgo:title", None), "kgo:title"),
    ("membership-with-two-titles", add(M0, "kgo:title", '"党组书记"@zh'), "kgo:title"),
    ("membership-member-is-organization", replace(M0, "org:member", HOSPITAL), "org:member"),
    ("membership-organization-is-person", replace(M0, "org:organization", SHI), "org:organization"),
    ("membership-without-member", replace(M0, "org:member", None), "org:member"),
    ("trade-union-without-organization-type", replace(UNION, "a", "kgo:TradeUnion"), "rdf:type"),
    ("person-without-label", replace(SHI, "rdfs:label", None), "rdfs:label"),
    ("person-label-in-english", replace(SHI, "rdfs:label", '"Shi Jian"@en'), "rdfs:label"),
    ("person-label-untagged", replace(SHI, "rdfs:label", '"施剑"'), "rdfs:label"),
    ("organization-two-zh-labels", add(UNION, "rdfs:label", '"区总工会"@zh'), "rdfs:label"),
    ("group-without-label", replace("group:大病职工", "rdfs:label", None), "rdfs:label"),
    ("admin-level-planet", replace(BEIJING, "kgo:adminLevel", '"planet"'), "kgo:adminLevel"),
    ("admin-level-chinese", replace(DAXING, "kgo:adminLevel", '"区"@zh'), "kgo:adminLevel"),
    ("contained-in-organization", replace(DAXING, "schema:containedInPlace", UNION), "schema:containedInPlace"),
    ("contained-in-used-on-organization", add(UNION, "schema:containedInPlace", DAXING), "schema:containedInPlace"),
    ("located-in-person", replace(UNION, "kgo:locatedIn", SHI), "kgo:locatedIn"),
    ("located-in-used-on-place", add(DAXING, "kgo:locatedIn", BEIJING), "kgo:locatedIn"),
    ("sub-organization-of-place", add(HOSPITAL, "org:subOrganizationOf", DAXING), "org:subOrganizationOf"),
    ("agent-used-on-article", add(ART, "kgo:agent", SHI), "kgo:agent"),
    ("evidence-used-on-person", add(SHI, "kgo:evidence", '"施剑"@zh'), "kgo:evidence"),
    ("title-used-on-person", add(SHI, "kgo:title", '"主席"@zh'), "kgo:title"),
    ("currency-used-on-goods", add(GOODS0, "schema:currency", '"CNY"'), "schema:currency"),
    ("mentioned-in-place", add(SHI, "kgo:mentionedIn", DAXING), "kgo:mentionedIn"),
    ("article-without-source-path", replace(ART, "kgo:sourcePath", None), "kgo:sourcePath"),
    ("article-hash-too-short", replace(ART, "kgo:contentHash", '"0123456789abcdef"'), "kgo:contentHash"),
    ("article-iri-not-from-hash", replace(ART, "kgo:contentHash", '"' + "ab" * 32 + '"'), "kgo:contentHash"),
    ("source-path-absolute", replace(ART, "kgo:sourcePath", '"/home/me/examples/a.txt"'), "kgo:sourcePath"),
    ("article-hash-not-hex", replace(ART, "kgo:contentHash", '"' + "g" * 64 + '"'), "kgo:contentHash"),
    ("article-region-organization", replace(ART, "kgo:region", UNION), "kgo:region"),
    ("article-two-regions", add(ART, "kgo:region", BEIJING), "kgo:region"),
    ("author-is-organization", replace(ART, "schema:author", UNION), "schema:author"),
    ("source-path-used-on-event", add(E0, "kgo:sourcePath", '"a.txt"'), "kgo:sourcePath"),
]

# Things the contract leaves optional: each variant must still conform.
ALLOWED = [
    ("event-without-agent-organizer-place", "DELETE WHERE { ?e kgo:agent ?a ; kgo:organizer ?o ; kgo:place ?p }"),
    ("event-without-dates", replace(E0, "kgo:startDate", None) + ";\n" + replace(E0, "kgo:endDate", None)),
    ("event-date-with-year", replace(E0, "kgo:startDate", '"2021-01-13"^^xsd:date')),
    ("event-without-amount-or-goods", replace(E0, "kgo:amount", None) + ";\n" + replace(E0, "kgo:goods", None)),
    ("event-with-several-classes", add(E1, "a", "kgo:Fundraising")),
    ("aid-delivery-without-donation-type", add(E1, "a", "kgo:AidDelivery")),
    ("place-without-admin-level", replace(DAXING, "kgo:adminLevel", None)),
    ("place-without-mentions", replace(DAXING, "kgo:mentionedIn", None)),
    ("amount-only-minimum", replace(AMT1, "schema:maxValue", None)),
    ("amount-without-purpose", replace(AMT0, "kgo:purpose", None)),
    ("currency-typed-string", replace(AMT0, "schema:currency", '"CNY"^^xsd:string')),
    ("goods-without-unit", replace(GOODS0, "schema:unitText", None)),
    ("article-without-headline", replace(ART, "schema:headline", None)),
    ("article-without-region-or-author", replace(ART, "kgo:region", None) + ";\n" + replace(ART, "schema:author", None)),
    ("publisher-as-literal", add(ART, "schema:publisher", '"劳动午报"@zh')),
    ("publisher-as-media-organization",
     add(ART, "schema:publisher", "<https://w3id.org/kg-news/id/org/北京市/劳动午报>") + ";\n"
     + add("<https://w3id.org/kg-news/id/org/北京市/劳动午报>", "a", "kgo:MediaOrganization, kgo:Organization") + ";\n"
     + add("<https://w3id.org/kg-news/id/org/北京市/劳动午报>", "rdfs:label", '"劳动午报"@zh')),
    ("evidence-zh-subtag", replace(E1, "kgo:evidence", '"倡议开展一元捐、十元捐活动。"@zh-cn')),
    ("label-in-english-too", add(SHI, "rdfs:label", '"Shi Jian"@en')),
    ("no-memberships", f"DELETE WHERE {{ {M0} ?p ?o }}"),
    ("event-beneficiary-count", add(E1, "kgo:beneficiaryCount", "15")),
    ("zero-confidence", replace(E1, "kgo:confidence", "0.0")),
    ("hash-in-upper-case", replace(ART, "kgo:contentHash", '"' + "0123456789ABCDEF" * 4 + '"')),
    ("jsonl-row-source-path", replace(ART, "kgo:sourcePath", '"corpus/news.jsonl#17"')),
]


def good_graph() -> Graph:
    return Graph().parse(data=GOOD, format="turtle")


def mutated(update: str) -> Graph:
    graph = good_graph()
    before = set(graph)
    graph.update(SPARQL_PREFIXES + "\n" + update)
    assert set(graph) != before, f"the update changed nothing:\n{update}"
    return graph


def test_good_graph_conforms() -> None:
    conforms, report = validate(good_graph())
    assert conforms, report


def test_validate_leaves_data_graph_unchanged() -> None:
    graph = good_graph()
    before = set(graph)
    validate(graph)
    assert set(graph) == before


def test_empty_graph_conforms() -> None:
    conforms, report = validate(Graph())
    assert conforms, report


@pytest.mark.parametrize("update, expected", [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_broken_graph_fails_naming_the_property(update: str, expected: str) -> None:
    conforms, report = validate(mutated(update))
    assert not conforms, f"should not conform:\n{update}"
    messages = re.findall(r"^\s*Message: (.*)$", report, flags=re.MULTILINE)
    assert any(m.startswith(expected + ":") for m in messages), f"no message names {expected}:\n{report}"


@pytest.mark.parametrize("update", [row[1] for row in ALLOWED], ids=[row[0] for row in ALLOWED])
def test_optional_part_missing_still_conforms(update: str) -> None:
    conforms, report = validate(mutated(update))
    assert conforms, report


def test_type_stated_only_through_subclass_is_not_enough() -> None:
    """Without inference a node typed only kgo:TradeUnion is not found by ?x a kgo:Organization."""
    graph = mutated(replace(UNION, "a", "kgo:TradeUnion"))
    conforms, report = validate(graph)
    assert not conforms
    assert UNION.strip("<>") in report
