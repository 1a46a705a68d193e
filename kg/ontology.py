"""The closed vocabulary of the kg-news ontology (see ontology/kg.ttl and ONTOLOGY.md).

A misspelt term raises ``AttributeError`` instead of minting a new predicate.
"""
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

KGR = Namespace("https://w3id.org/kg-news/id/")
SDO = Namespace("https://schema.org/")


class KGO(DefinedNamespace):
    """kg-news ontology terms (https://w3id.org/kg-news/ontology#)."""

    _fail = True
    _NS = Namespace("https://w3id.org/kg-news/ontology#")

    # classes
    Article: URIRef
    Organization: URIRef
    TradeUnion: URIRef
    PartyOrganization: URIRef
    GovernmentBody: URIRef
    PeoplesCongress: URIRef
    PoliticalConsultativeBody: URIRef
    MedicalInstitution: URIRef
    Association: URIRef
    Enterprise: URIRef
    MediaOrganization: URIRef
    Person: URIRef
    Place: URIRef
    BeneficiaryGroup: URIRef
    Event: URIRef
    Visit: URIRef
    Donation: URIRef
    Fundraising: URIRef
    AidDelivery: URIRef
    Appeal: URIRef
    Goods: URIRef
    BeneficiaryShare: URIRef
    GroupScheme: URIRef
    Activity: URIRef
    NameResolution: URIRef
    # properties
    title: URIRef
    locatedIn: URIRef
    adminLevel: URIRef
    agent: URIRef
    organizer: URIRef
    place: URIRef
    site: URIRef
    beneficiary: URIRef
    beneficiaryCount: URIRef
    beneficiaryShare: URIRef
    amount: URIRef
    purpose: URIRef
    approximate: URIRef
    perPerson: URIRef
    inKind: URIRef
    goods: URIRef
    date: URIRef
    startDate: URIRef
    endDate: URIRef
    summary: URIRef
    status: URIRef
    evidence: URIRef
    evidenceStart: URIRef
    evidenceEnd: URIRef
    confidence: URIRef
    mentionedIn: URIRef
    sourcePath: URIRef
    contentHash: URIRef
    text: URIRef
    region: URIRef
    reports: URIRef
    reportedIn: URIRef
    linkRule: URIRef
    surfaceForm: URIRef
    resolvesTo: URIRef
    rule: URIRef
    resolvedIn: URIRef


#: The named graph that holds the corpus links (kgo:Activity and kgo:reports), kept apart from the article graphs.
LINKS_GRAPH = KGR["links"]

PREFIXES = {
    "kgo": KGO._NS,
    "kgr": KGR,
    "org": ORG,
    "schema": SDO,
    "prov": PROV,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "foaf": FOAF,
}


# One table from the extractor's record kinds to ontology classes, with the word the views show;
# kg/rdf.py writes with it, kg/evaluate.py and kg/analyze.py read with it.
ENTITY_KINDS = (
    ("person", KGO.Person, "人物"),
    ("org", KGO.Organization, "组织"),
    ("place", KGO.Place, "地点"),
    ("group", KGO.BeneficiaryGroup, "受助群体"),
)
ORG_KINDS = (
    ("union", KGO.TradeUnion, "工会"),
    ("party", KGO.PartyOrganization, "党组织"),
    ("government", KGO.GovernmentBody, "政府机构"),
    ("legislature", KGO.PeoplesCongress, "人大"),
    ("cppcc", KGO.PoliticalConsultativeBody, "政协"),
    ("medical", KGO.MedicalInstitution, "医疗机构"),
    ("association", KGO.Association, "协会"),
    ("enterprise", KGO.Enterprise, "企业"),
    ("media", KGO.MediaOrganization, "媒体"),
)
EVENT_KINDS = (
    ("AidDelivery", KGO.AidDelivery, "救助发放"),
    ("Fundraising", KGO.Fundraising, "筹款"),
    ("Appeal", KGO.Appeal, "倡议"),
    ("Donation", KGO.Donation, "捐赠"),
    ("Visit", KGO.Visit, "慰问"),
)


def bind_prefixes(g: Graph) -> Graph:
    """Bind the project's prefixes on ``g`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g
