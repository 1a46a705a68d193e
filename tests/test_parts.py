"""kg build --parts DIR: one sorted N-Quads file per partition, the output their merge (same bytes)."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import dask_engine, parts
from kg.cli import app
from tests import test_dask

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
# the Dask tests' articles, and one of them twice
ARTICLES = {**test_dask.ARTICLES, "d_copy.txt": test_dask.ARTICLES["d.txt"]}


def build(*args: str):
    return CliRunner().invoke(app, ["build", *args, "--no-store"])


def counts(output: str) -> tuple[str, ...]:
    """Articles built, duplicates skipped, inputs failed, from the summary line."""
    m = re.search(r"built (\d+) articles .*; skipped (\d+) duplicates; failed (\d+)", output)
    assert m, output
    return m.groups()


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "e.txt").write_bytes(b"\x00\xff\x00binary")  # reported, like in a build without parts
    (folder / "example.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=[".nq", ".ttl"])
def reference(request, corpus, tmp_path_factory) -> tuple[str, bytes, str]:
    out = tmp_path_factory.mktemp("ref") / f"g{request.param}"
    r = build(str(corpus), "-o", str(out))
    assert r.exit_code == 1 and "e.txt" in r.output
    return request.param, out.read_bytes(), r.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parts_give_the_same_bytes(corpus, reference, tmp_path, monkeypatch, jobs):
    suffix, expected, ref_output = reference
    monkeypatch.setattr(parts, "PARTITION_CHARS", 60)  # several partitions
    out, folder = tmp_path / f"g{suffix}", tmp_path / "parts"
    r = build(str(corpus), "-o", str(out), "--jobs", jobs, "--parts", str(folder))
    assert r.exit_code == 1, r.output
    assert out.read_bytes() == expected
    assert errors(r.output) == errors(ref_output)
    assert counts(r.output) == counts(ref_output) == ("5", "1", "1")
    files = sorted(folder.iterdir())
    assert len(files) >= 3 and all(f.name.startswith("part-") and f.suffix == ".nq" for f in files)
    _check_parts(files, out if suffix == ".nq" else None)


def test_parts_on_dask_give_the_same_bytes(corpus, reference, tmp_path, monkeypatch):
    suffix, expected, ref_output = reference
    monkeypatch.setattr(dask_engine, "PARTITION_CHARS", 60)
    out, folder = tmp_path / f"g{suffix}", tmp_path / "parts"
    r = build(str(corpus), "-o", str(out), "--engine", "dask", "--jobs", "2", "--parts", str(folder))
    assert r.exit_code == 1, r.output
    assert out.read_bytes() == expected
    assert errors(r.output) == errors(ref_output)
    assert counts(r.output) == counts(ref_output)
    files = sorted(folder.iterdir())
    assert len(files) >= 3
    _check_parts(files, out if suffix == ".nq" else None)


def _check_parts(files: list[Path], merged: Path | None) -> None:
    """Each part is sorted N-Quads of article graphs; together they are the output's article graphs."""
    union: set[ox.Quad] = set()
    for f in files:
        assert _sorted_by_statement(f), f
        quads = list(ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS))
        assert quads and all(q.graph_name.value.startswith("https://w3id.org/kg-news/id/article/") for q in quads)
        union.update(quads)
    if merged is not None:
        written = {q for q in ox.parse(path=str(merged), format=ox.RdfFormat.N_QUADS)
                   if q.graph_name.value != "https://w3id.org/kg-news/id/links"}
        assert written == union


def _sorted_by_statement(f: Path) -> bool:
    from kg.graphio import statement_key

    quads = list(ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS))
    return quads == sorted(quads, key=statement_key)


def test_old_parts_are_replaced_and_other_files_kept(corpus, tmp_path, monkeypatch):
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "part-00099.nq").write_text("stale\n", encoding="utf-8")  # would not parse
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setattr(parts, "PARTITION_CHARS", 10_000_000)  # one partition
    r = build(str(corpus), "-o", str(tmp_path / "g.ttl"), "--parts", str(folder))
    assert r.exit_code == 1 and counts(r.output) == ("5", "1", "1"), r.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "part-00000.nq"]


def test_parts_that_is_a_file_is_an_error(corpus, tmp_path):
    not_a_folder = tmp_path / "parts"
    not_a_folder.write_text("x", encoding="utf-8")
    r = build(str(corpus), "-o", str(tmp_path / "g.ttl"), "--parts", str(not_a_folder))
    assert r.exit_code == 1 and "--parts needs a folder" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "g.ttl").exists()


def test_strict_with_parts_writes_nothing(corpus, tmp_path):
    folder = tmp_path / "parts"
    r = build(str(corpus), "-o", str(tmp_path / "g.ttl"), "--parts", str(folder), "--strict")
    assert r.exit_code == 1 and "--strict" in r.output
    assert not (tmp_path / "g.ttl").exists() and list(folder.iterdir()) == []
