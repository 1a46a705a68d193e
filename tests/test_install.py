"""The installed package works on its own: a wheel in a fresh venv, run from a folder that is not the checkout."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "daxing_songwennuan.txt"
SUFFIXES = (".ttl", ".nt", ".jsonld", ".json", ".trig", ".nq")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding only the wheel built from this checkout; dependencies come from the test venv."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, REPO],
                   check=True, capture_output=True, timeout=300)
    [wheel] = wheels.glob("kg_news-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], check=True, capture_output=True, timeout=300)
    # The dependencies, but not the checkout's editable kg: a plain path line does not run the test venv's .pth hooks.
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = root / "work"
    work.mkdir()
    return env_dir / "bin" / "kg", work


def run(kg, work, *args):
    return subprocess.run([kg, *map(str, args)], cwd=work, capture_output=True, text=True, timeout=300)


def test_the_installed_package_is_not_the_checkout(installed):
    kg, work = installed
    where = subprocess.run([kg.parent / "python", "-c", "import kg; print(kg.__file__)"], cwd=work,
                           capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in where and "site-packages" in where


def test_named_queries_and_the_ontology_ship_in_the_wheel(installed):
    kg, work = installed
    r = run(kg, work, "query", "--list")
    assert r.returncode == 0, r.stderr
    for rq in (REPO / "queries").glob("*.rq"):
        assert rq.stem in r.stdout


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_is_read_back_by_every_command(installed, suffix):
    kg, work = installed
    out = work / f"graph{suffix}"
    r = run(kg, work, "build", EXAMPLE, "-o", out, "--no-store")
    assert r.returncode == 0, r.stderr
    r = run(kg, work, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", out, "--format", "csv")
    assert r.returncode == 0, r.stderr
    count = int(r.stdout.split()[-1])
    reference = run(kg, work, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", work / "graph.ttl"
                    if (work / "graph.ttl").exists() else out, "--format", "csv")
    assert int(reference.stdout.split()[-1]) == count
    r = run(kg, work, "query", "officials", "--graph", out, "--format", "csv")
    assert r.returncode == 0 and "郭金江" in r.stdout, r.stderr
    r = run(kg, work, "stats", out, "--json")
    assert r.returncode == 0 and '"counts"' in r.stdout, r.stderr
    r = run(kg, work, "viz", out, "-o", work / f"view{suffix}.html")
    assert r.returncode == 0 and (work / f"view{suffix}.html").stat().st_size > 1000, r.stderr
    r = run(kg, work, "validate", out)
    assert r.returncode == 0 and "conforms" in r.stdout, r.stdout + r.stderr
