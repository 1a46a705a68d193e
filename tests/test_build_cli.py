"""kg build on messy archives: bad inputs reported by name, good files built, exit status, --strict,
atomic output; and every extractor takes arbitrary text with offsets that slice their evidence."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import RDFS
from typer.testing import CliRunner

from kg.cli import app
from kg.extract.dates import find_dates
from kg.extract.groups import find_groups
from kg.extract.mentions import sentence_mentions
from kg.extract.orgs import find_orgs
from kg.extract.places import find_places
from kg.extract.quantities import find_goods, find_money
from kg.extract.text import Tokens
from kg.model import Document
from kg.ontology import KGO
from kg.pipeline import prepare, process_document
from kg.segment import tag

GOOD_A = "东湖镇总工会副主席张建国走访慰问了15名困难职工，送去慰问金共计3000元。"
GOOD_B = "西山县总工会主席李红梅带队看望12名劳动模范，送去大米20袋。"


def run(*args):
    args = list(args)
    if args[0] == "build":
        args.append("--no-store")  # never touch the store of the directory the tests run in
    return CliRunner().invoke(app, args)


def labels(path: Path) -> set[str]:
    g = Graph().parse(path)
    return {str(o) for o in g.objects(None, RDFS.label)}


def messy_folder(tmp_path: Path) -> Path:
    d = tmp_path / "archive"
    d.mkdir()
    (d / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (d / "b_gbk.txt").write_bytes(GOOD_B.encode("gbk"))
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\xff\xfe\x00" * 50)
    rows = [json.dumps({"id": "r1", "text": "北湖镇总工会为8名大病职工送去救助金4000元。"}, ensure_ascii=False),
            "{not json",
            json.dumps({"id": "r3", "title": "no text"}, ensure_ascii=False)]
    (d / "rows.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return d


def test_bad_inputs_are_named_and_good_files_built(tmp_path):
    d = messy_folder(tmp_path)
    out = tmp_path / "graph.ttl"
    r = run("build", str(d), "-o", str(out))
    assert r.exit_code == 1, r.output
    err = r.output
    for needle in ("empty.txt", "binary.txt", "rows.jsonl:2", "rows.jsonl:3"):
        assert needle in err, (needle, err)
    assert "built 3 articles" in err and "failed 4" in err, err
    names = labels(out)
    for name in ("张建国", "李红梅", "东湖镇总工会", "西山县总工会", "北湖镇总工会", "困难职工", "劳动模范", "大病职工"):
        assert name in names, name


def test_strict_writes_nothing_and_keeps_the_old_output(tmp_path):
    d = messy_folder(tmp_path)
    out = tmp_path / "graph.ttl"
    out.write_text("# previous build\n", encoding="utf-8")
    r = run("build", str(d), "-o", str(out), "--strict")
    assert r.exit_code == 1
    assert "nothing written" in r.output
    assert out.read_text(encoding="utf-8") == "# previous build\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph.ttl")] == []


def test_clean_build_exits_zero(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_A, encoding="utf-8")
    out = tmp_path / "g.nt"
    r = run("build", str(tmp_path / "a.txt"), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "failed 0" in r.output
    assert "张建国" in out.read_text(encoding="utf-8")


def test_unknown_output_suffix_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_A, encoding="utf-8")
    r = run("build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "g.xyz"))
    assert r.exit_code == 1
    assert "unknown graph format" in r.output and ".ttl" in r.output


def test_forced_encoding(tmp_path):
    (tmp_path / "a.txt").write_bytes(GOOD_A.encode("gb18030"))
    out = tmp_path / "g.ttl"
    assert run("build", str(tmp_path / "a.txt"), "-o", str(out), "--encoding", "gbk").exit_code == 0
    assert "张建国" in labels(out)


# ------------------------------------------------------------------ properties of the extractors
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
NEWSY = st.text(st.sampled_from("大兴区东湖镇西山村总工会党委书记主席副张李王建国红梅慰问走访困难职工劳动模范名户人元万多余"
                                "0123456789１２月日至，。、；“”（）\n 米面油箱台份"), max_size=300)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.one_of(TEXT, NEWSY))
def test_mention_finders_take_any_text(text):
    # each finder on its own, at an offset into a longer text, then all of them as the extractor runs them
    pad = "前面的句子。"
    full = pad + text
    off = len(pad)
    tokens = Tokens(tag(text))
    places = find_places(text, tokens, off)
    orgs = find_orgs(text, tokens, off, places)
    money = find_money(text, off)
    spans = (places + orgs + money + find_goods(text, tokens, off, money) + find_groups(text, tokens, off)
             + find_dates(text, off, 1))
    for sp in spans:
        assert full[sp.start:sp.end] == sp.text, sp
    sm = sentence_mentions(text)
    spans = (sm.places + sm.orgs + sm.titles + sm.persons + sm.groups + sm.money + sm.goods + sm.dates
             + tuple(p for c in sm.chains for p in c.persons) + tuple(o for c in sm.chains for _, o, _ in c.held if o))
    for sp in spans:
        assert text[sp.start:sp.end] == sp.text, sp


@PROPERTY
@given(st.one_of(TEXT, NEWSY))
def test_every_evidence_offset_slices_its_text(text):
    doc = Document("p.txt", "p", text)
    art = prepare(doc)
    g = process_document(doc).graph
    for node in set(g.subjects(KGO.evidence, None)):
        ev = str(g.value(node, KGO.evidence))
        start, end = int(g.value(node, KGO.evidenceStart)), int(g.value(node, KGO.evidenceEnd))
        assert art.text[start:end] == ev


def test_validate_command(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_A, encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert run("build", str(tmp_path / "a.txt"), "-o", str(out)).exit_code == 0
    ok = run("validate", str(out))
    assert ok.exit_code == 0 and "conforms" in ok.output
    broken = tmp_path / "broken.ttl"
    text = out.read_text(encoding="utf-8")
    assert "kgo:confidence" in text
    broken.write_text(text.replace("kgo:confidence 0.", "kgo:confidence 7."), encoding="utf-8")
    bad = run("validate", str(broken))
    assert bad.exit_code == 1 and "confidence" in bad.output


def test_validate_without_the_shacl_extra_names_the_extra(tmp_path, monkeypatch):
    import sys

    (tmp_path / "a.txt").write_text(GOOD_A, encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert run("build", str(tmp_path / "a.txt"), "-o", str(out)).exit_code == 0
    monkeypatch.setitem(sys.modules, "pyshacl", None)  # as if the extra were not installed
    result = run("validate", str(out))
    assert result.exit_code == 1
    assert "kg-news[shacl]" in result.output and "Traceback" not in result.output


def test_parallel_extraction_holds_a_bounded_number_of_documents():
    from kg.build import iter_results

    pulled = 0

    def documents():
        nonlocal pulled
        for i in range(400):
            pulled += 1
            yield Document(f"d{i}.txt", f"d{i}", f"第{i}篇：东湖镇总工会为{i + 1}名困难职工送去慰问金。")

    results = iter_results(documents(), jobs=2)
    first = next(results)
    assert not isinstance(first, Exception)
    import time

    time.sleep(0.5)  # let the pool's feeder run ahead as far as it can
    assert pulled <= 2 * 32 + 8, pulled
    assert sum(1 for _ in results) == 399
