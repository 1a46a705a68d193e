#!/usr/bin/env python3
"""Benchmark ``kg build`` on THUCNews: throughput with 1 and 2 jobs, peak memory, and plain jieba tagging.

This is a benchmark script, not a test. Usage (from the repository root)::

    .venv/bin/python scripts/bench_build.py                 # full run, about 40 MB of JSONL
    .venv/bin/python scripts/bench_build.py --mb 4          # quick check
    .venv/bin/python scripts/bench_build.py PATH/thucnews.tsv --mb 10
    .venv/bin/python scripts/bench_build.py --mb 1 --profile   # cProfile of a 1-job build instead

Input: ``../shared/bench/news/thucnews.tsv`` (``label<TAB>text`` a line). When it is absent the script says so
and exits 0. It is written as JSONL (``id``, ``text``) to a temporary folder, repeated until the file reaches
``--mb`` megabytes (10^6 bytes; the last copy may be partial).

Distinct copies: the pipeline identifies an article by the hash of its normalized text, so identical texts
under different ids would be merged into one article and the benchmark would measure deduplication, not
extraction. Each row therefore gets an id carrying its copy number (``c003-000123``) AND its text gets a
final paragraph naming the copy: ``text + "\\n\\n（副本003）"``. That paragraph is 7 characters (articles
average about 1,000) and is a caption sentence that no extractor matches: on 60 random articles the graph of
a marked copy was identical to the unmarked article's once the content hash, the article IRI and the id were
masked (checked with kg.pipeline.process_document while writing this script). Every copy, including c000,
is marked, so all copies cost the same. The run checks that the build reports as many articles as rows
and no duplicates (unless the TSV itself holds identical texts, which is reported).

What is measured, each in a fresh subprocess (so memory figures are per stage and one stage's caches do not
help the next), all over the same JSONL file:

- jieba: ``jieba.posseg.cut`` (HMM on, the default, as the pipeline uses it) over every text, reading the
  JSONL row by row; plain jieba, kg not imported.
- extract: ``kg.build.iter_results(kg.ingest.iter_documents([jsonl]), jobs)``, consumed and dropped: reading,
  normalization, tagging, extraction, the per-article RDF graph and, with 2 jobs, pickling it back to the
  parent. No merge, no serialization.
- build: ``kg.build.build_files([jsonl], out.ttl, jobs)``: the above plus merging and Turtle serialization.
- scaling: extract and build with 1 job on the first 1/4 and 1/2 of the rows (full size = the rows above).

Times include loading jieba's dictionary (about 1 s, once per process; nothing is warmed up beforehand),
as a user's ``kg build`` pays it. chars = sum of len(text) over the rows (marker included).

Memory: ``ru_maxrss`` of the stage process (RUSAGE_SELF) and of its largest worker (RUSAGE_CHILDREN gives the
maximum over children, not the sum), plus the peak of the summed PSS (proportional set size, which counts
pages shared after fork once) of the stage process and its workers, sampled every 0.2 s from
/proc/PID/smaps_rollup. The memory target is checked against the PSS tree peak and, to be conservative,
against parent RSS + jobs x worker RSS as well.

The machine's load average is printed with each row: other processes competing for the CPUs depress the
2-job figure and inflate wall times. CPU seconds (user + system, the stage process and its workers) are
printed too: chars per CPU-second is far less sensitive to load than chars per wall second, and the CPU time
with 2 jobs against 1 job shows the parallel overhead (pickling, the extra dictionary load) apart from any
lack of free cores.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TSV = REPO.parent / "shared" / "bench" / "news" / "thucnews.tsv"

TARGET_SPEEDUP = 1.7  # extraction, 2 jobs vs 1
TARGET_BUILD_VS_JIEBA = 2.0  # full build time / jieba tagging time
TARGET_PEAK_MB = 1536  # 1.5 GB


# --------------------------------------------------------------------------- input


def marker(copy: int) -> str:
    """The paragraph appended to every text of copy ``copy`` so copies have distinct content hashes."""
    return f"\n\n（副本{copy:03d}）"


def read_tsv(path: Path) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            label, sep, text = line.partition("\t")
            if not sep or not text.strip():
                print(f"warning: {path}:{n}: no label<TAB>text, skipped", file=sys.stderr)
                continue
            texts.append(text)
    return texts


def write_jsonl(texts: list[str], out: Path, target_bytes: int) -> list[int]:
    """Write copies of ``texts`` to ``out`` until it holds ``target_bytes``; return each row's byte end offset."""
    ends = []
    size = 0
    copy = 0
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        while size < target_bytes:
            for i, text in enumerate(texts):
                row = json.dumps({"id": f"c{copy:03d}-{i:06d}", "text": text + marker(copy)}, ensure_ascii=False)
                line = row + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                ends.append(size)
                if size >= target_bytes:
                    break
            copy += 1
    return ends


def head_jsonl(src: Path, out: Path, rows: int) -> None:
    with open(src, encoding="utf-8") as fin, open(out, "w", encoding="utf-8", newline="\n") as fout:
        for n, line in enumerate(fin):
            if n >= rows:
                break
            fout.write(line)


def count_chars(path: Path) -> tuple[int, int]:
    rows = chars = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rows += 1
            chars += len(json.loads(line)["text"])
    return rows, chars


# --------------------------------------------------------------------------- memory sampling


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


class TreeSampler:
    """Sample the summed PSS of this process and its descendants; keep the peak (KB)."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")

    def _run(self):
        me = os.getpid()
        while not self._stop.is_set():
            pids, todo = [], [me]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(_children(p))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
            self._stop.wait(self.interval)

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join()


# --------------------------------------------------------------------------- stages (run in a subprocess)


def stage_jieba(path: Path, jobs: int, workdir: Path) -> dict:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    t = time.perf_counter()
    jieba.initialize()
    init = time.perf_counter() - t
    words = rows = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            rows += 1
            for _ in jieba.posseg.cut(text):
                words += 1
    return {"rows": rows, "words": words, "dict_load_s": round(init, 2)}


def stage_extract(path: Path, jobs: int, workdir: Path) -> dict:
    from kg.build import iter_results
    from kg.ingest import iter_documents
    from kg.model import Problem

    results = problems = triples = 0
    for r in iter_results(iter_documents([path]), jobs):
        if isinstance(r, Problem):
            problems += 1
            if problems <= 5:
                print(f"problem: {r}", file=sys.stderr)
            continue
        results += 1
        triples += len(r[3])
    return {"rows": results, "problems": problems, "triples_unmerged": triples}


def stage_build(path: Path, jobs: int, workdir: Path) -> dict:
    from kg.build import build_files

    out = workdir / f"bench-{jobs}-{os.getpid()}.ttl"
    report = build_files([path], out, jobs=jobs, progress=False)
    size = out.stat().st_size
    out.unlink()
    for p in report.problems[:5]:
        print(f"problem: {p}", file=sys.stderr)
    return {"rows": report.built, "duplicates": report.duplicates, "problems": len(report.problems),
            "triples": report.triples, "ttl_mb": round(size / 1e6, 1)}


def stage_build_store(path: Path, jobs: int, workdir: Path, engine: str = "local") -> dict:
    """``build_files`` with a store directory, as ``kg build`` does by default (``--store output/store``)."""
    import shutil

    from kg.build import build_files

    out = workdir / f"bench-{engine}-{jobs}-{os.getpid()}.ttl"
    store = workdir / f"store-{engine}-{jobs}-{os.getpid()}"
    report = build_files([path], out, jobs=jobs, progress=False, store=store, engine=engine)
    size = out.stat().st_size
    store_mb = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 1e6
    out.unlink()
    shutil.rmtree(store)
    return {"rows": report.built, "duplicates": report.duplicates, "problems": len(report.problems),
            "triples": report.triples, "ttl_mb": round(size / 1e6, 1), "store_mb": round(store_mb, 1)}


def stage_build_store_dask(path: Path, jobs: int, workdir: Path) -> dict:
    """The same, extraction on a local Dask cluster of ``jobs`` worker processes."""
    return stage_build_store(path, jobs, workdir, engine="dask")


STAGES = {"jieba": stage_jieba, "extract": stage_extract, "build": stage_build, "build+store": stage_build_store,
          "build+store+dask": stage_build_store_dask}


def run_stage(name: str, path: Path, jobs: int, workdir: Path) -> None:
    """Run one stage in this process and print its measurements as one JSON line."""
    kg_file = None
    if name != "jieba":
        import kg

        kg_file = kg.__file__
    with TreeSampler() as sampler:
        t0 = time.perf_counter()
        info = STAGES[name](path, jobs, workdir)
        wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    info.update({
        "wall_s": wall,
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_self_mb": me.ru_maxrss / 1024,  # KB on Linux
        "rss_child_mb": kids.ru_maxrss / 1024,
        "pss_tree_mb": sampler.peak_kb / 1024 if sampler.available else None,
        "kg_file": kg_file,
    })
    print("RESULT " + json.dumps(info))


# --------------------------------------------------------------------------- driver


def measure(name: str, path: Path, jobs: int, workdir: Path, chars: int, label: str) -> dict:
    load_before = os.getloadavg()[0]
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", name, "--jobs", str(jobs),
           "--workdir", str(workdir), str(path)]
    print(f"  running {label} ({name}, {jobs} job{'s' if jobs > 1 else ''}) ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(workdir))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"stage {name} failed (exit {proc.returncode})")
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    r = json.loads(line[len("RESULT "):])
    r.update({"stage": name, "jobs": jobs, "chars": chars, "label": label,
              "load": (load_before + os.getloadavg()[0]) / 2})
    r["cps"] = chars / r["wall_s"]
    print(f"    {r['wall_s']:.1f} s, {r['cps']:,.0f} chars/s, load {r['load']:.2f}; {json.dumps(r)}",
          file=sys.stderr, flush=True)
    return r


def kg_location() -> Path:
    """The kg package the stage subprocesses will import (PYTHONPATH may point at a frozen copy)."""
    out = subprocess.run([sys.executable, "-c", "import kg; print(kg.__file__)"], capture_output=True, text=True,
                         check=True, cwd="/").stdout.strip()  # not the repository: '' on sys.path would win
    return Path(out).parent


def fingerprint(package: Path) -> str:
    """A hash of every file of the kg package (code and lexicons), to detect edits during the run."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted(package.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(package)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "kg"], capture_output=True,
                               text=True).stdout.strip()
        return head + (" (kg/ has uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def fmt_mb(v) -> str:
    return "n/a" if v is None else f"{v:,.0f}"


def table(rows: list[dict], base: dict[str, float]) -> str:
    out = ["| measurement | jobs | chars | wall s | chars/s | vs 1 job | vs jieba | CPU s | chars/CPU-s | CPU vs jieba | "
           "max RSS parent MB | max RSS worker MB | peak PSS tree MB | load avg |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        one = base.get(("1job", r["stage"], r["chars"]))
        speed = f"{one / r['wall_s']:.2f}x" if one and r["jobs"] > 1 else ""
        jb = base.get(("jieba", r["chars"]))
        vs = f"{r['wall_s'] / jb:.2f}x" if jb and r["stage"] != "jieba" else ""
        jc = base.get(("jieba-cpu", r["chars"]))
        vsc = f"{r['cpu_s'] / jc:.2f}x" if jc and r["stage"] != "jieba" else ""
        out.append(f"| {r['label']} | {r['jobs']} | {r['chars']:,} | {r['wall_s']:.1f} | {r['cps']:,.0f} | {speed} | "
                   f"{vs} | {r['cpu_s']:.1f} | {r['chars'] / r['cpu_s']:,.0f} | {vsc} | {fmt_mb(r['rss_self_mb'])} | "
                   f"{fmt_mb(r['rss_child_mb']) if r['jobs'] > 1 else ''} | {fmt_mb(r['pss_tree_mb'])} | "
                   f"{r['load']:.2f} |")
    return "\n".join(out)


def profile(path: Path, workdir: Path, top: int) -> None:
    """cProfile a 1-job build of ``path`` and print the top functions by cumulative and by own time."""
    import cProfile
    import pstats

    from kg.build import build_files

    out = workdir / "profile.ttl"
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    report = build_files([path], out, jobs=1, progress=False)
    prof.disable()
    print(f"profiled build: {time.perf_counter() - t:.1f} s (with profiler overhead); {report.summary()}\n")
    stats = pstats.Stats(prof)
    for key in ("cumulative", "tottime"):
        print(f"## top {top} by {key}\n")
        stats.sort_stats(key).print_stats(top)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT_TSV, help="thucnews.tsv (label<TAB>text a line)")
    ap.add_argument("--mb", type=float, default=40.0, help="size of the JSONL input in MB (default 40)")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 1/4 and 1/2 size runs")
    ap.add_argument("--store", action="store_true",
                    help="also time a 1-job build that updates an on-disk store, as `kg build` does by default")
    ap.add_argument("--scale-out", action="store_true",
                    help="only the whole build with the default store: 1 job, 2 jobs, and Dask with 2 local workers")
    ap.add_argument("--repeat", type=int, default=1,
                    help="with --scale-out: rounds of the three runs (ratios are taken within a round; medians shown)")
    ap.add_argument("--profile", action="store_true", help="only cProfile a 1-job build of --mb MB and print it")
    ap.add_argument("--top", type=int, default=30, help="rows per profile listing")
    ap.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.stage:
        run_stage(args.stage, args.tsv, args.jobs, args.workdir)
        return 0

    if not args.tsv.is_file():
        print(f"benchmark data not found: {args.tsv} (needs ../shared/bench/news/thucnews.tsv); nothing to do")
        return 0

    package = kg_location()
    code_before = fingerprint(package)
    head = git_head()
    texts = read_tsv(args.tsv)
    unique = len(set(texts))
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        full = work / "thucnews-rep.jsonl"
        ends = write_jsonl(texts, full, int(args.mb * 1e6))
        rows, chars = count_chars(full)
        copies = -(-rows // len(texts))
        print(f"input: {args.tsv} ({len(texts)} articles, {unique} distinct texts) -> {full.stat().st_size / 1e6:.1f} MB "
              f"JSONL, {rows:,} rows in {copies} copies, {chars:,} chars", file=sys.stderr)
        if args.profile:
            profile(full, work, args.top)
            return 0

        expected = rows - (len(texts) - unique) * copies  # identical texts inside the TSV do merge
        results, base = [], {}

        def run(name, path, jobs, n_chars, label):
            r = measure(name, path, jobs, work, n_chars, label)
            results.append(r)
            if name == "jieba":
                base[("jieba", n_chars)] = r["wall_s"]
                base[("jieba-cpu", n_chars)] = r["cpu_s"]
            elif jobs == 1:
                base[("1job", name, n_chars)] = r["wall_s"]
            return r

        if args.scale_out:
            rounds = []  # (1 job, 2 jobs, Dask) per round: the machine's drift falls on a round's three alike
            for _ in range(args.repeat):
                rounds.append((run("build+store", full, 1, chars, "full build + on-disk store (the default)"),
                               run("build+store", full, 2, chars, "full build + on-disk store (the default)"),
                               run("build+store+dask", full, 2, chars, "full build + store, --engine dask (2 local workers)")))
            print(f"\n## kg build with the store: {args.tsv.name} repeated to {args.mb:g} MB "
                  f"({rows:,} rows, {chars:,} chars; repository HEAD {head}; load now {os.getloadavg()[0]:.2f})\n")
            print("| round | run | wall s | CPU s | chars/s | vs 1 job | max RSS parent MB | peak PSS tree MB | triples | store MB |")
            print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for n, (s1, s2, d2) in enumerate(rounds, 1):
                for label, r in (("1 job", s1), ("2 jobs", s2), ("Dask, 2 workers", d2)):
                    print(f"| {n} | {label} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {chars / r['wall_s']:,.0f} "
                          f"| {s1['wall_s'] / r['wall_s']:.2f}x | {fmt_mb(r['rss_self_mb'])} | {fmt_mb(r['pss_tree_mb'])} "
                          f"| {r['triples']:,} | {r.get('store_mb')} |")
            speedups = [s1["wall_s"] / s2["wall_s"] for s1, s2, _ in rounds]
            dask_ratios = [d2["wall_s"] / s2["wall_s"] for _, s2, d2 in rounds]
            speedup, dask_ratio = statistics.median(speedups), statistics.median(dask_ratios)

            def each(values):
                return f" (rounds: {', '.join(f'{v:.2f}x' for v in values)})" if len(values) > 1 else ""

            peaks = {label: max(max(r["rss_self_mb"], r["pss_tree_mb"] or 0) for r in runs)
                     for label, runs in (("1 job", [x[0] for x in rounds]), ("2 jobs", [x[1] for x in rounds]),
                                         ("Dask", [x[2] for x in rounds]))}
            peak = max(peaks.values())
            print(f"\nDask vs --jobs 2: {dask_ratio:.2f}x the wall time" + (" (median)" if len(rounds) > 1 else ""))
            print("\nTargets (issue 12), ratios taken within each round, the median over the rounds:")
            print(f"- 2 jobs vs 1 job: {speedup:.2f}x{each(speedups)} (target >= 1.9x): {'MET' if speedup >= 1.9 else 'NOT MET'}")
            print(f"- Dask with 2 workers vs --jobs 2: {dask_ratio:.2f}x{each(dask_ratios)} (target <= 1.15x): "
                  f"{'MET' if dask_ratio <= 1.15 else 'NOT MET'}")
            print(f"- peak memory with the store (max of parent RSS and PSS tree): {peak:,.0f} MB "
                  f"({', '.join(f'{k} {v:,.0f}' for k, v in peaks.items())}; target <= 800 MB): "
                  f"{'MET' if peak <= 800 else 'NOT MET'}")
            return 0
        jb = run("jieba", full, 1, chars, "jieba posseg only")
        ex1 = run("extract", full, 1, chars, "extraction (iter_results)")
        ex2 = run("extract", full, 2, chars, "extraction (iter_results)")
        b1 = run("build", full, 1, chars, "full build to .ttl (build_files)")
        b2 = run("build", full, 2, chars, "full build to .ttl (build_files)")
        bs = run("build+store", full, 1, chars, "full build + on-disk store (build_files, store=DIR)") if args.store else None
        for r in (b1, b2):
            if r["rows"] != expected or r["duplicates"] or r["problems"]:
                print(f"WARNING: build of {rows} rows built {r['rows']} articles, {r['duplicates']} duplicates, "
                      f"{r['problems']} problems (expected {expected} articles)", file=sys.stderr)

        scaling = []
        if not args.no_scaling:
            for frac, name in ((0.25, "1/4"), (0.5, "1/2")):
                n = max(1, round(rows * frac))
                part = work / f"part-{n}.jsonl"
                head_jsonl(full, part, n)
                _, c = count_chars(part)
                scaling.append((name, run("extract", part, 1, c, f"extraction, {name} size"),
                                run("build", part, 1, c, f"full build, {name} size")))
                part.unlink()

    # ------------------------------------------------------------------ report
    load = os.getloadavg()
    code_after = fingerprint(package)
    print(f"\n## kg build benchmark: {args.tsv.name} repeated to {args.mb:g} MB\n")
    print(f"- input: {rows:,} JSONL rows ({copies} copies of {len(texts):,} articles, each text marked with its copy "
          f"number), {chars:,} characters, {ends[-1] / 1e6:.1f} MB")
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average now {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min); "
          f"jieba dictionary load {jb.get('dict_load_s')} s (included in every time)")
    print(f"- code: kg from {package} (repository HEAD {head}); package fingerprint {code_before}"
          + (", unchanged during the run" if code_after == code_before else
             f" -> {code_after}: WARNING, kg changed during the run, stages measured different code"))
    print(f"- build output: {b1['triples']:,} triples, {b1['ttl_mb']} MB Turtle; articles built {b1['rows']:,} "
          f"(duplicates {b1['duplicates']}, problems {b1['problems']})")
    print()
    print(table([jb, ex1, ex2, b1, b2] + ([bs] if bs else []), base))
    if bs:
        print(f"\n(store on disk: {bs['store_mb']} MB)")
    if scaling:
        print("\n### Cost against input size (1 job)\n")
        print("| size | chars | extraction s | extraction chars/s | extraction CPU s | build s | build chars/s | "
              "build CPU s | build CPU per char vs full | build max RSS MB | load avg |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        cpu_per_char_full = b1["cpu_s"] / chars
        for name, e, b in scaling + [("full", ex1, b1)]:
            print(f"| {name} | {e['chars']:,} | {e['wall_s']:.1f} | {e['cps']:,.0f} | {e['cpu_s']:.1f} | "
                  f"{b['wall_s']:.1f} | {b['cps']:,.0f} | {b['cpu_s']:.1f} | "
                  f"{b['cpu_s'] / b['chars'] / cpu_per_char_full:.2f} | {fmt_mb(b['rss_self_mb'])} | "
                  f"{(e['load'] + b['load']) / 2:.2f} |")

    speed = ex1["wall_s"] / ex2["wall_s"]
    build_speed = b1["wall_s"] / b2["wall_s"]
    best_build = min(b1["wall_s"], b2["wall_s"])
    ratio1 = b1["wall_s"] / jb["wall_s"]
    ratio_best = best_build / jb["wall_s"]
    peaks = []
    for r in results:
        conservative = r["rss_self_mb"] + (r["jobs"] * r["rss_child_mb"] if r["jobs"] > 1 else 0)
        peaks.append(max(conservative, r["pss_tree_mb"] or 0))
    peak = max(peaks)
    pss = max((r["pss_tree_mb"] or 0) for r in results)

    def ok(flag):
        return "MET" if flag else "NOT MET"

    print("\n### Targets\n")
    print(f"- extraction 2 jobs vs 1 job: {speed:.2f}x (target >= {TARGET_SPEEDUP}x): {ok(speed >= TARGET_SPEEDUP)}; "
          f"whole build: {build_speed:.2f}x")
    print(f"- full build vs jieba tagging alone: {ratio1:.2f}x with 1 job, {ratio_best:.2f}x with the faster of 1/2 "
          f"jobs (target <= {TARGET_BUILD_VS_JIEBA}x): 1 job {ok(ratio1 <= TARGET_BUILD_VS_JIEBA)}, "
          f"best {ok(ratio_best <= TARGET_BUILD_VS_JIEBA)}")
    cpu_speed = 2 * ex1["cpu_s"] / ex2["cpu_s"]
    print(f"- with two free cores the 2-job extraction could at best reach 2 x CPU(1 job) / CPU(2 jobs) = "
          f"{cpu_speed:.2f}x (the CPU time the second job adds: {ex2['cpu_s'] - ex1['cpu_s']:+.1f} s)")
    print(f"- CPU time, full build vs jieba tagging: {b1['cpu_s'] / jb['cpu_s']:.2f}x (1 job), "
          f"{b2['cpu_s'] / jb['cpu_s']:.2f}x (2 jobs)")
    print(f"- peak memory: {pss:,.0f} MB PSS of the process tree, {peak:,.0f} MB counting parent RSS + jobs x "
          f"worker RSS (target < {TARGET_PEAK_MB} MB): {ok(peak < TARGET_PEAK_MB)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
