#!/usr/bin/env python3
"""Count spurious events on news that is not about welfare work (THUCNews: finance, sport, property ...).

This is a benchmark script, not a test. Usage (from the repository root)::

    .venv/bin/python scripts/bench_offgenre.py                    # all 1,316 articles
    .venv/bin/python scripts/bench_offgenre.py --limit 200        # the first 200 articles
    .venv/bin/python scripts/bench_offgenre.py --list             # also list every event found
    .venv/bin/python scripts/bench_offgenre.py --list --trim 80 --json out/offgenre.json

Input: ``../shared/bench/news/thucnews.tsv`` (``label<TAB>text`` a line). When it is absent the script says so
and exits 0. Its articles are not welfare news (visits to, donations and aid for the needy, fundraising,
appeals), so every event the extractor finds in them is counted as spurious. A few touch the subject (a
statistics report on donations, scholarships, a leader visiting a university): ``--list`` shows the evidence
of every event so that a reader can judge.

Each line ``i`` (0-based, counting only the lines read as ``label<TAB>text``) becomes
``kg.model.Document(source_path=f"thucnews.tsv#{i}", doc_id=str(i), text=text)`` and goes through
``kg.pipeline.extract_document``; the events of the returned ``Extraction`` are counted. An article whose
extraction raises is counted apart (errors), not as an article without events.

Printed: articles read, articles with at least one event, events, events per 100 articles (README target: at
most 1), the same per label and per event class, and the time: the jieba dictionary is loaded once before the
clock starts (shown apart), then chars/s = sum of len(text) / wall seconds of the extraction loop. With
``--list``, every event: article index, label, classes, organizers, agents, beneficiary groups and the
evidence text (``--trim W`` cuts it to W characters). The run is deterministic: articles in file order, no
sampling, events in the extractor's order; only the timings vary from run to run.

The kg package is fingerprinted before and after the run; a warning is printed if it changed meanwhile.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TSV = REPO.parent / "shared" / "bench" / "news" / "thucnews.tsv"

TARGET_PER_100 = 1.0  # README: at most 1 spurious event per 100 articles


# --------------------------------------------------------------------------- input


def read_tsv(path: Path, limit: int | None) -> list[tuple[str, str]]:
    """Return (label, text) pairs in file order, at most ``limit`` of them."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if limit is not None and len(rows) >= limit:
                break
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            label, sep, text = line.partition("\t")
            if not sep or not text.strip():
                print(f"warning: {path}:{n}: no label<TAB>text, skipped", file=sys.stderr)
                continue
            rows.append((label, text))
    return rows


# --------------------------------------------------------------------------- code identity


def fingerprint(package: Path) -> str:
    """A hash of every file of the kg package (code and lexicons), to detect edits during the run."""
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
        return (head or "unknown") + (" (kg/ has uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- events


def event_row(index: int, label: str, ev) -> dict:
    """A JSON-friendly view of one ``kg.model.EventRecord``."""
    return {
        "article": index,
        "label": label,
        "classes": list(ev.classes),
        "organizers": list(ev.organizers),
        "agents": list(ev.agents),
        "groups": [{"group": s.group, "count": s.count} for s in ev.shares],
        "place": ev.place,
        "site": ev.site,
        "money": [m.text for m in ev.money],
        "goods": [g.text for g in ev.goods],
        "date": list(ev.date) if ev.date else None,
        "status": ev.status,
        "summary": ev.summary,
        "confidence": ev.confidence,
        "evidence": {"start": ev.evidence.start, "end": ev.evidence.end, "text": ev.evidence.text},
    }


def run(rows: list[tuple[str, str]]) -> tuple[list[dict], list[dict], list[int], float]:
    """Extract every article; return (events, errors, events per article, wall seconds of the loop)."""
    from kg.model import Document
    from kg.pipeline import extract_document

    events, errors, per_article = [], [], []
    t0 = time.perf_counter()
    for i, (label, text) in enumerate(rows):
        doc = Document(source_path=f"thucnews.tsv#{i}", doc_id=str(i), text=text)
        try:
            ex = extract_document(doc)
        except Exception as exc:  # the extractor is being rewritten: count a failure, keep going
            errors.append({"article": i, "label": label, "error": f"{type(exc).__name__}: {exc}",
                           "where": traceback.format_exc(limit=-1).strip().splitlines()[-3:]})
            per_article.append(-1)
            continue
        per_article.append(len(ex.events))
        events.extend(event_row(i, label, ev) for ev in ex.events)
    return events, errors, per_article, time.perf_counter() - t0


# --------------------------------------------------------------------------- report


def cell(value: str) -> str:
    """Make a value safe for one markdown table cell."""
    return value.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def trimmed(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def per_100(events: int, articles: int) -> float:
    return 100.0 * events / articles if articles else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT_TSV, help="thucnews.tsv (label<TAB>text a line)")
    ap.add_argument("--limit", type=int, metavar="N", help="read only the first N articles")
    ap.add_argument("--list", action="store_true", help="list every event found")
    ap.add_argument("--trim", type=int, default=0, metavar="W",
                    help="with --list, cut evidence text to W characters (default: whole evidence)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the results (and every event) as JSON")
    args = ap.parse_args(argv)

    if not args.tsv.is_file():
        print(f"benchmark data not found: {args.tsv} (needs ../shared/bench/news/thucnews.tsv); nothing to do")
        return 0
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")

    rows = read_tsv(args.tsv, args.limit)
    if not rows:
        print(f"no articles in {args.tsv}; nothing to do")
        return 0

    import kg
    from kg.segment import tag

    package = Path(kg.__file__).parent
    code_before = fingerprint(package)
    head = git_head()

    t = time.perf_counter()
    tag("预热")  # load jieba's dictionary before the clock starts
    warmup = time.perf_counter() - t

    print(f"extracting {len(rows):,} articles from {args.tsv} ...", file=sys.stderr, flush=True)
    events, errors, per_article, wall = run(rows)
    code_after = fingerprint(package)

    chars = sum(len(text) for _, text in rows)
    read = len(rows)
    extracted = read - len(errors)
    with_events = sum(1 for n in per_article if n > 0)
    rate = per_100(len(events), extracted)

    labels: dict[str, dict] = {}
    for (label, _), n in zip(rows, per_article):
        d = labels.setdefault(label, {"articles": 0, "errors": 0, "with_events": 0, "events": 0})
        d["articles"] += 1
        if n < 0:
            d["errors"] += 1
        else:
            d["with_events"] += n > 0
            d["events"] += n
    classes = Counter(c for e in events for c in e["classes"])

    # ------------------------------------------------------------------ print
    print(f"\n## Spurious events on off-genre news: {args.tsv.name}"
          + (f" (first {args.limit:,} articles)" if args.limit else "") + "\n")
    print(f"- code: kg from {package} (repository HEAD {head}); package fingerprint {code_before}"
          + (", unchanged during the run" if code_after == code_before else
             f" -> {code_after}: WARNING, kg changed during the run"))
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"- time: {wall:.1f} s for {chars:,} characters = {chars / wall:,.0f} chars/s "
          f"({read / wall:.1f} articles/s), 1 process; jieba dictionary load before the clock: {warmup:.2f} s")
    print()
    print("| articles read | extraction errors | articles with >= 1 event | events | events / 100 articles | "
          "target | chars | wall s | chars/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {read:,} | {len(errors)} | {with_events} | {len(events)} | {rate:.2f} | <= {TARGET_PER_100:g}: "
          f"{'MET' if rate <= TARGET_PER_100 and not errors else 'NOT MET'} | {chars:,} | {wall:.1f} | "
          f"{chars / wall:,.0f} |")

    print("\n### Per label\n")
    print("| label | articles | errors | articles with >= 1 event | events | events / 100 articles |")
    print("|---|---|---|---|---|---|")
    for label in sorted(labels, key=lambda k: (-labels[k]["articles"], k)):
        d = labels[label]
        print(f"| {label} | {d['articles']} | {d['errors']} | {d['with_events']} | {d['events']} | "
              f"{per_100(d['events'], d['articles'] - d['errors']):.2f} |")

    if classes:
        print("\n### Per event class (an event may carry several)\n")
        print("| class | events |")
        print("|---|---|")
        for name, n in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"| {name} | {n} |")

    if errors:
        print(f"\n### Extraction errors ({len(errors)}; first 10)\n")
        for e in errors[:10]:
            print(f"- article {e['article']} ({e['label']}): {e['error']}")

    if args.list:
        print(f"\n### Events found ({len(events)})\n")
        if events:
            print("| article | label | classes | organizers | agents | beneficiary groups | evidence |")
            print("|---|---|---|---|---|---|---|")
        for e in events:
            groups = ", ".join(g["group"] + (f" ({g['count']})" if g["count"] is not None else "")
                               for g in e["groups"])
            print(f"| {e['article']} | {e['label']} | {cell(', '.join(e['classes']))} | "
                  f"{cell(', '.join(e['organizers']))} | {cell(', '.join(e['agents']))} | {cell(groups)} | "
                  f"{cell(trimmed(e['evidence']['text'], args.trim))} |")

    if args.json:
        out = {
            "input": str(args.tsv), "limit": args.limit, "kg": str(package), "head": head,
            "fingerprint": code_before, "fingerprint_after": code_after,
            "articles": read, "errors": len(errors), "articles_with_events": with_events,
            "events": len(events), "events_per_100": round(rate, 3), "target_per_100": TARGET_PER_100,
            "chars": chars, "wall_s": round(wall, 2), "chars_per_s": round(chars / wall),
            "jieba_load_s": round(warmup, 2),
            "per_label": labels, "per_class": dict(sorted(classes.items())),
            "event_list": events, "error_list": errors,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\n(results written to {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
