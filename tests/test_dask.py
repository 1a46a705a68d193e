"""kg build --engine dask: a local Dask cluster (started here, on 127.0.0.1) writes the bytes --jobs 1 writes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import dask_engine
from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
ARTICLES = {
    "a.txt": "东湖镇总工会副主席张建国走访慰问了15名困难职工，送去慰问金共计3000元。",
    "b.txt": "西山县总工会主席李红梅带队看望12名劳动模范，送去大米20袋。",
    "c.txt": "临江县民政局局长王海涛来到南岗乡敬老院看望孤寡老人，送去慰问金5000元。",
    "d.txt": "青石镇党委书记陈志强走访慰问困难党员，送去米面油。",
}


def build(*args: str):
    return CliRunner().invoke(app, ["build", *args, "--no-store"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "e.txt").write_bytes(b"\x00\xff\x00binary")  # reported, like in a local build
    (folder / "example.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[bytes, str]:
    out = tmp_path_factory.mktemp("ref") / "g.nq"
    r = build(str(corpus), "-o", str(out))
    assert r.exit_code == 1 and "e.txt" in r.output  # the binary file is a problem
    return out.read_bytes(), r.output


def test_a_local_dask_cluster_writes_the_same_bytes(corpus, reference, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_engine, "PARTITION_CHARS", 60)  # several partitions over two workers
    out = tmp_path / "g.nq"
    r = build(str(corpus), "-o", str(out), "--engine", "dask", "--jobs", "2")
    assert r.exit_code == 1, r.output
    assert out.read_bytes() == reference[0]
    assert [line for line in r.output.splitlines() if line.startswith("Error:")] == \
        [line for line in reference[1].splitlines() if line.startswith("Error:")]
    assert "built 5 articles" in r.output


def test_an_existing_scheduler_is_used(corpus, reference, tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    monkeypatch.setattr(dask_engine, "PARTITION_CHARS", 200)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        out = tmp_path / "g.nq"
        r = build(str(corpus), "-o", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address)
        assert out.read_bytes() == reference[0], r.output
        assert len(cluster.scheduler_info["workers"]) == 2  # the cluster is still up: ours, not one we made


def _profiling() -> bool:
    import dask

    return dask.config.get("distributed.worker.profile.enabled")


def test_the_local_clusters_workers_do_not_profile_their_tasks():
    client, cluster = dask_engine._client(2, None)
    try:
        assert sorted(client.run(_profiling).values()) == [False, False]
    finally:
        client.close()
        cluster.close()
    assert _profiling() is True  # the setting stays with the cluster kg started


def test_partitions_keep_order_and_problems_in_place():
    from kg.model import Document, Problem

    items = [Document(f"{i}.txt", str(i), "字" * 30) for i in range(5)]
    items.insert(2, Problem("x.txt", "bad"))
    parts = list(dask_engine._partitions(items, 60))
    assert [len(p) for p in parts] == [2, 3, 1]
    assert [x for p in parts for x in p] == items


def test_without_the_extra_the_error_names_it(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    r = build(str(corpus), "-o", str(tmp_path / "g.ttl"), "--engine", "dask")
    assert r.exit_code == 1 and "kg-news[dask]" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize(("args", "message"), [
    (["--engine", "spark"], "unknown engine 'spark'"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
])
def test_bad_engine_options(corpus, tmp_path, args, message):
    r = build(str(corpus), "-o", str(tmp_path / "g.ttl"), *args)
    assert r.exit_code == 1 and message in r.output
