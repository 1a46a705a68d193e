"""Bad input and hostile environments, each with the error it must give and what must survive (issue 11)."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graphio import remove_stale_temps, write_atomic
from kg.ingest import iter_documents
from kg.model import Document, Problem

GOOD = "东湖镇总工会副主席张建国走访慰问了15名困难职工，送去慰问金共计3000元。"


def build(*args: str):
    return CliRunner().invoke(app, ["build", *args, "--no-store"])


def good(folder: Path, name: str = "good.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(GOOD, encoding="utf-8")
    return folder / name


# --------------------------------------------------------------------------- inputs


def test_a_symlink_loop_in_a_folder_is_reported_and_the_rest_built(tmp_path):
    good(tmp_path / "in")
    os.symlink("b.txt", tmp_path / "in" / "a.txt")
    os.symlink("a.txt", tmp_path / "in" / "b.txt")
    result = build(str(tmp_path / "in"), "-o", str(tmp_path / "g.ttl"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "in/a.txt: symbolic link loop" in result.output and "in/b.txt: symbolic link loop" in result.output
    assert "built 1 articles" in result.output and (tmp_path / "g.ttl").exists()


def test_a_looping_link_named_on_the_command_line_is_called_a_loop(tmp_path):
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    result = build(str(tmp_path / "a.txt"), str(good(tmp_path / "x")), "-o", str(tmp_path / "g.ttl"))
    assert "a.txt: symbolic link loop" in result.output and "no such file" not in result.output
    assert "built 1 articles" in result.output


def test_a_broken_link_is_named_with_its_target(tmp_path):
    good(tmp_path / "in")
    os.symlink("gone.txt", tmp_path / "in" / "dead.txt")
    items = list(iter_documents([tmp_path / "in"]))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [p.path for p in problems] == ["in/dead.txt"]
    assert "broken symbolic link" in problems[0].message and "gone.txt" in problems[0].message
    assert sum(isinstance(i, Document) for i in items) == 1


def test_an_unreadable_folder_is_reported_not_skipped(tmp_path, monkeypatch):
    good(tmp_path / "in")
    good(tmp_path / "in" / "locked")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # tests run as root, where chmod 000 reads fine
    items = list(iter_documents([tmp_path / "in"]))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.path, p.message) for p in problems] == [("in/locked", "cannot read folder: Permission denied")]
    assert sum(isinstance(i, Document) for i in items) == 1


def test_an_unreadable_file_named_on_the_command_line_is_a_problem_of_that_file(tmp_path, monkeypatch):
    locked = good(tmp_path / "a", "locked.txt")
    other = good(tmp_path / "b")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = list(iter_documents([locked, other]))
    assert [(i.path, i.message) for i in items if isinstance(i, Problem)] == [
        ("locked.txt", "cannot read: Permission denied")
    ]
    assert sum(isinstance(i, Document) for i in items) == 1


def test_file_names_that_are_not_utf8_are_escaped_the_same_in_every_format(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff\xfe.txt")).write_text(GOOD, encoding="utf-8")
    for suffix in (".nt", ".ttl", ".jsonld", ".trig", ".nq"):
        out = tmp_path / f"g{suffix}"
        result = CliRunner().invoke(app, ["build", str(folder), "-o", str(out), "--store", str(tmp_path / "store")])
        assert result.exit_code == 0, result.output
        assert "in/\\\\xff\\\\xfe.txt" in out.read_text(encoding="utf-8")


LONE_SURROGATES = [
    # (row, the field named in the error)
    ({"id": "a\ud800", "text": GOOD}, "'id'"),
    ({"id": "b", "title": "x\udc00y", "text": GOOD}, "'title'"),
    ({"id": "c", "text": GOOD + "\ud83d"}, "'text'"),
    ({"id": "d", "source": "\udfff", "text": GOOD}, "'source'"),
]


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".jsonld", ".trig"])
def test_a_lone_surrogate_in_a_jsonl_row_is_reported_the_same_everywhere(tmp_path, suffix):
    rows = [row for row, _ in LONE_SURROGATES] + [{"id": "ok", "text": GOOD}]
    archive = tmp_path / "a.jsonl"
    archive.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")  # json escapes them
    out = tmp_path / f"g{suffix}"
    result = CliRunner().invoke(app, ["build", str(archive), "-o", str(out), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line, (_, field) in enumerate(LONE_SURROGATES, start=1):
        assert f"a.jsonl:{line}: field {field} holds a lone surrogate" in result.output
    assert "built 1 articles" in result.output and "store: 1 added" in result.output


ABSURD = [
    # (text, what must not be in the graph) - the article is kept, the absurd fact is not
    ("送去慰问金共计100000000000000000000000000000元。", "100000000000000000000000000000"),
    ("送去大米100000000000000000000000000000袋。", "100000000000000000000000000000"),
    ("慰问了100000000000000000000000000000名困难职工。", "100000000000000000000000000000"),
    ("送去慰问金99999999999999999999元。", "99999999999999999999"),
]


@pytest.mark.parametrize(("sentence", "absent"), ABSURD)
def test_absurd_amounts_and_counts_drop_the_fact_not_the_article(tmp_path, sentence, absent):
    (tmp_path / "a.txt").write_text("东湖镇总工会副主席张建国" + sentence + "送去慰问金共计3000元。", encoding="utf-8")
    out = tmp_path / "g.nt"
    result = build(str(tmp_path / "a.txt"), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert '"3000"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text
    values = [line for line in text.splitlines() if "XMLSchema#decimal>" in line or "XMLSchema#integer>" in line]
    assert not [v for v in values if absent in v or "E+" in v]  # evidence sentences still quote the text


def test_a_large_exact_amount_is_written_exactly(tmp_path):
    (tmp_path / "a.txt").write_text("东湖镇总工会送去慰问金共计1234567890123.45元。", encoding="utf-8")
    out = tmp_path / "g.nt"
    assert build(str(tmp_path / "a.txt"), "-o", str(out)).exit_code == 0
    assert '"1234567890123.45"^^<http://www.w3.org/2001/XMLSchema#decimal>' in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(
    "args",
    [["{tmp}/nosuch.txt"], ["{tmp}/in/good.txt", "--encoding", "nosuch-codec"], ["{tmp}/empty"]],
    ids=["mistyped path", "invalid encoding", "folder of bad files"],
)
def test_a_build_where_every_input_fails_keeps_the_previous_output(tmp_path, args):
    good(tmp_path / "in")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.txt").write_bytes(b"")
    out = tmp_path / "g.ttl"
    assert build(str(tmp_path / "in"), "-o", str(out)).exit_code == 0
    before = out.read_bytes()
    result = build(*[a.format(tmp=tmp_path) for a in args], "-o", str(out))
    assert result.exit_code == 1
    assert "was not written (the previous file is kept)" in result.output
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("output", "message"),
    [("{tmp}", "is a folder"), ("{tmp}/file.txt/g.ttl", "is a file, not a folder"), ("{tmp}/g.xyz", "unknown")],
)
def test_a_bad_output_is_refused_before_any_work(tmp_path, monkeypatch, output, message):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    good(tmp_path / "in")
    import kg.build

    monkeypatch.setattr(kg.build, "build_graph", lambda *a, **k: pytest.fail("extraction ran"))
    result = build(str(tmp_path / "in"), "-o", output.format(tmp=tmp_path))
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_store_that_is_not_a_store_is_refused_before_any_work(tmp_path, monkeypatch):
    good(tmp_path / "in")
    (tmp_path / "notastore").mkdir()
    (tmp_path / "notastore" / "x").write_text("x", encoding="utf-8")
    import kg.build

    monkeypatch.setattr(kg.build, "build_graph", lambda *a, **k: pytest.fail("extraction ran"))
    result = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "g.ttl"),
                                      "--store", str(tmp_path / "notastore")])
    assert result.exit_code == 1 and "not an Oxigraph store" in result.output
    assert not (tmp_path / "g.ttl").exists()


def test_a_killed_writers_temp_file_is_cleaned_by_the_next_write(tmp_path):
    out = tmp_path / "g.ttl"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".g.ttl.{dead.stdout.strip()}.abc123.tmp"  # that process has exited
    live = tmp_path / f".g.ttl.{os.getpid()}.def456.tmp"  # a writer still running
    stale.write_text("partial", encoding="utf-8")
    live.write_text("in progress", encoding="utf-8")
    write_atomic(out, lambda f: f.write(b"done"))
    assert out.read_bytes() == b"done"
    assert not stale.exists() and live.exists()
    assert remove_stale_temps(out) == []


def test_outputs_get_the_umasks_mode(tmp_path):
    old = os.umask(0o022)
    try:
        assert build(str(good(tmp_path / "in")), "-o", str(tmp_path / "g.ttl")).exit_code == 0
        write_atomic(tmp_path / "x.bin", lambda f: f.write(b"x"))
    finally:
        os.umask(old)
    assert (tmp_path / "g.ttl").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "x.bin").stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- environment


def test_an_unusable_jieba_cache_gives_no_traceback(tmp_path):
    """A jieba.cache the user cannot use (here a folder in its place), and no cache folder of our own."""
    tmp = tmp_path / "tmp"
    (tmp / "jieba.cache").mkdir(parents=True)
    (tmp / f"kg-news-{os.getuid()}").write_text("not a folder", encoding="utf-8")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no cache folder can be made under it", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(blocked / "c"), "HOME": str(blocked)}
    article = good(tmp_path / "in")
    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(article), "-o", str(tmp_path / "g.ttl"), "--no-store"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "built 1 articles" in run.stderr
