#!/usr/bin/env python3
"""Score kg-news's mention finders (persons, places, organizations) on the MSRA NER test set beside jieba POS.

This is a benchmark script, not a test. Usage (from the repository root)::

    .venv/bin/python scripts/bench_ner.py                         # the whole test set (4,631 sentence blocks)
    .venv/bin/python scripts/bench_ner.py --limit 500             # the first 500 sentences
    .venv/bin/python scripts/bench_ner.py --show-errors 15        # with example kg-news errors per kind
    .venv/bin/python scripts/bench_ner.py --json out/ner.json

Input: ``../shared/bench/ner/msra_test.bio`` (one ``char<TAB>tag`` a line, tags ``O`` and ``B-/I-`` x
``PER LOC ORG``, a blank line between sentences). When it is absent the script says so and exits 0. Each
block becomes a text (its characters joined) and gold spans (kind, start, end), end exclusive. An ``I-X``
that does not continue an ``X`` entity starts a new one (the conlleval convention); the file has a few, where
a long sentence was cut into blocks of 100 characters inside a name, and their number is printed. Blocks are
fed as they are, whatever their length.

Systems, each given the block's text alone:

- kg-news: ``kg.extract.mentions.sentence_mentions(text)``: ``.persons`` -> PER, ``.places`` -> LOC,
  ``.orgs`` -> ORG, by their offsets (``start``, ``end``). It tags the text with jieba itself, so its time
  includes jieba's.
- jieba POS: ``kg.segment.tag(text)``: words tagged ``nr*`` -> PER, ``ns`` -> LOC, ``nt`` -> ORG.

Scores are exact-span precision, recall and F1 per kind (a span counts once per kind, whatever the number of
mentions at it) and micro-averaged over the three kinds. MSRA annotates no nested entities (湖南省 in
湖南省民政厅 is not gold), so kg-news's mentions are made flat the same way first: a mention inside a longer
one is dropped (``--nested`` keeps them). The error breakdown shows how many errors are of wrong boundaries,
of a wrong kind or inside a gold entity of another kind.

The jieba dictionary is loaded before the clock starts; each system is timed over all blocks (seconds,
chars/s). An exception in a finder is counted, and the block then contributes no predictions for that system.
The kg package is fingerprinted before and after the run; a warning is printed if it changed meanwhile.
``--show-errors K`` prints K false positives and K false negatives per kind for kg-news, spread evenly over
the test set (deterministic), each with its context and what overlaps it on the other side.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BIO = REPO.parent / "shared" / "bench" / "ner" / "msra_test.bio"

KINDS = ("PER", "LOC", "ORG")
SYSTEMS = ("kg-news", "jieba POS")


# --------------------------------------------------------------------------- input


def read_bio(path: Path, limit: int | None) -> tuple[list[tuple[str, set]], dict]:
    """Return [(text, {(kind, start, end)})] in file order and counts of oddities in the file."""
    sentences: list[tuple[str, set]] = []
    odd = {"orphan_I": 0, "bad_lines": 0, "bad_tags": 0}
    chars: list[str] = []
    spans: set = set()
    open_kind: str | None = None
    open_start = 0

    def close(pos: int) -> None:
        nonlocal open_kind
        if open_kind is not None:
            spans.add((open_kind, open_start, pos))
            open_kind = None

    def flush() -> None:
        nonlocal chars, spans
        close(len(chars))
        if chars:
            sentences.append(("".join(chars), spans))
        chars, spans = [], set()

    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line:
                flush()
                if limit is not None and len(sentences) >= limit:
                    break
                continue
            char, sep, tag = line.partition("\t")
            if not sep or len(char) != 1:
                odd["bad_lines"] += 1
                if odd["bad_lines"] <= 5:
                    print(f"warning: {path}:{n}: not char<TAB>tag: {line!r}", file=sys.stderr)
                if not char:
                    continue
                char, tag = char[0], tag or "O"
            pos = len(chars)
            chars.append(char)
            prefix, _, kind = tag.partition("-")
            if tag == "O":
                close(pos)
            elif prefix == "B" and kind in KINDS:
                close(pos)
                open_kind, open_start = kind, pos
            elif prefix == "I" and kind in KINDS:
                if open_kind != kind:
                    close(pos)
                    odd["orphan_I"] += 1
                    open_kind, open_start = kind, pos
            else:
                odd["bad_tags"] += 1
                close(pos)
    flush()
    if limit is not None:
        sentences = sentences[:limit]
    return sentences, odd


# --------------------------------------------------------------------------- systems


def kg_news(text: str, flat: bool = True) -> set:
    from kg.extract.mentions import sentence_mentions

    sm = sentence_mentions(text)
    out = set()
    for kind, mentions in (("PER", sm.persons), ("LOC", sm.places), ("ORG", sm.orgs)):
        out.update((kind, m.start, m.end) for m in mentions)
    if flat:  # MSRA's spans are flat: a mention inside another (湖南省 in 湖南省民政厅) is not an entity of its own
        out = {x for x in out if not any(y != x and y[1] <= x[1] and x[2] <= y[2] and (y[2] - y[1]) > (x[2] - x[1])
                                          for y in out)}
    return out


def jieba_pos(text: str) -> set:
    from kg.segment import tag

    out = set()
    for t in tag(text):
        if t.pos.startswith("nr"):
            out.add(("PER", t.start, t.end))
        elif t.pos == "ns":
            out.add(("LOC", t.start, t.end))
        elif t.pos == "nt":
            out.add(("ORG", t.start, t.end))
    return out


FINDERS = {"kg-news": kg_news, "jieba POS": jieba_pos}


def predict(name: str, sentences: list[tuple[str, set]]) -> tuple[list[set], list[dict], int, float]:
    """Run one system over every text; return predictions, exceptions, spans off the text, wall seconds."""
    finder = FINDERS[name]
    preds, errors = [], []
    off_text = 0
    t0 = time.perf_counter()
    for i, (text, _) in enumerate(sentences):
        try:
            p = finder(text)
        except Exception as exc:  # the extractor is being rewritten: count a failure, keep going
            errors.append({"sentence": i, "error": f"{type(exc).__name__}: {exc}"})
            p = set()
        bad = {s for s in p if not (0 <= s[1] < s[2] <= len(text))}
        off_text += len(bad)
        preds.append(p - bad)
    return preds, errors, off_text, time.perf_counter() - t0


# --------------------------------------------------------------------------- scoring


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(sentences: list[tuple[str, set]], preds: list[set]) -> dict:
    counts = {k: {"tp": 0, "fp": 0, "fn": 0, "gold": 0, "pred": 0} for k in KINDS}
    for (_, gold), pred in zip(sentences, preds):
        for k in KINDS:
            g = {s for s in gold if s[0] == k}
            p = {s for s in pred if s[0] == k}
            c = counts[k]
            c["tp"] += len(g & p)
            c["fp"] += len(p - g)
            c["fn"] += len(g - p)
            c["gold"] += len(g)
            c["pred"] += len(p)
    total = {key: sum(counts[k][key] for k in KINDS) for key in ("tp", "fp", "fn", "gold", "pred")}
    out = {}
    for k, c in list(counts.items()) + [("all", total)]:
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        out[k] = dict(c, precision=round(p, 4), recall=round(r, 4), f1=round(f, 4))
    return out


def overlaps(a, b) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def fp_category(span, gold: set) -> str:
    """Why a predicted span is not gold."""
    same = [g for g in gold if g[0] == span[0] and overlaps(g, span)]
    if same:
        return "boundary"
    if any(g[1:] == span[1:] for g in gold):
        return "wrong kind"
    if any(g[1] <= span[1] and span[2] <= g[2] for g in gold):
        return "inside other-kind gold"
    if any(overlaps(g, span) for g in gold):
        return "overlaps other-kind gold"
    return "no gold overlap"


def fn_category(span, pred: set) -> str:
    """Why a gold span was not found."""
    if any(p[0] == span[0] and overlaps(p, span) for p in pred):
        return "boundary"
    if any(p[1:] == span[1:] for p in pred):
        return "found as other kind"
    if any(overlaps(p, span) for p in pred):
        return "overlapped by other kind"
    return "nothing overlaps"


FP_CATS = ("boundary", "wrong kind", "inside other-kind gold", "overlaps other-kind gold", "no gold overlap")
FN_CATS = ("boundary", "found as other kind", "overlapped by other kind", "nothing overlaps")


def errors_of(sentences: list[tuple[str, set]], preds: list[set]) -> dict:
    """Every false positive and negative per kind: (sentence index, span, category)."""
    out = {k: {"fp": [], "fn": []} for k in KINDS}
    for i, ((_, gold), pred) in enumerate(zip(sentences, preds)):
        for s in sorted(pred - gold, key=lambda s: (s[1], s[2], s[0])):
            out[s[0]]["fp"].append((i, s, fp_category(s, gold)))
        for s in sorted(gold - pred, key=lambda s: (s[1], s[2], s[0])):
            out[s[0]]["fn"].append((i, s, fn_category(s, pred)))
    return out


def spread(items: list, k: int) -> list:
    """k items evenly spaced over ``items`` (all of them when there are at most k)."""
    if len(items) <= k:
        return items
    return [items[(j * len(items)) // k] for j in range(k)]


def context(text: str, span, width: int = 18) -> str:
    a, b = span[1], span[2]
    left = text[max(0, a - width):a]
    right = text[b:b + width]
    lead = "…" if a > width else ""
    tail = "…" if b + width < len(text) else ""
    return lead + left + "【" + text[a:b] + "】" + right + tail


def describe(text: str, spans) -> str:
    return ", ".join(f"{s[0]} {text[s[1]:s[2]]}" for s in sorted(spans, key=lambda s: (s[1], s[2], s[0]))) or "-"


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


# --------------------------------------------------------------------------- driver


def cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bio", nargs="?", type=Path, default=DEFAULT_BIO, help="msra_test.bio (char<TAB>tag a line)")
    ap.add_argument("--limit", type=int, metavar="N", help="score only the first N sentences")
    ap.add_argument("--show-errors", type=int, default=0, metavar="K",
                    help="print K false positives and K false negatives per kind for kg-news")
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the scores as JSON")
    ap.add_argument("--nested", action="store_true",
                    help="keep kg-news mentions nested inside longer ones (MSRA gold is flat, so they count as FPs)")
    args = ap.parse_args(argv)
    if args.nested:
        FINDERS["kg-news"] = functools.partial(kg_news, flat=False)

    if not args.bio.is_file():
        print(f"benchmark data not found: {args.bio} (needs ../shared/bench/ner/msra_test.bio); nothing to do")
        return 0
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")

    sentences, odd = read_bio(args.bio, args.limit)
    if not sentences:
        print(f"no sentences in {args.bio}; nothing to do")
        return 0
    chars = sum(len(t) for t, _ in sentences)
    longest = max(len(t) for t, _ in sentences)

    import kg
    from kg.segment import tag

    package = Path(kg.__file__).parent
    code_before = fingerprint(package)
    head = git_head()
    t = time.perf_counter()
    tag("预热")  # load jieba's dictionary before the clock starts
    warmup = time.perf_counter() - t

    runs = {}
    for name in SYSTEMS:
        print(f"running {name} over {len(sentences):,} sentences ...", file=sys.stderr, flush=True)
        preds, errors, off_text, wall = predict(name, sentences)
        runs[name] = {"preds": preds, "errors": errors, "off_text": off_text, "wall_s": wall,
                      "scores": score(sentences, preds)}
        print(f"  {wall:.1f} s", file=sys.stderr, flush=True)
    code_after = fingerprint(package)

    # ------------------------------------------------------------------ print
    print(f"\n## NER on {args.bio.name}" + (f" (first {args.limit:,} sentences)" if args.limit else "") + "\n")
    print(f"- input: {len(sentences):,} sentence blocks, {chars:,} characters (longest {longest}); gold "
          + ", ".join(f"{k} {runs[SYSTEMS[0]]['scores'][k]['gold']:,}" for k in KINDS)
          + f"; I- tags starting an entity: {odd['orphan_I']}"
          + (f"; malformed lines {odd['bad_lines']}, unknown tags {odd['bad_tags']}"
             if odd["bad_lines"] or odd["bad_tags"] else ""))
    print(f"- code: kg from {package} (repository HEAD {head}); package fingerprint {code_before}"
          + (", unchanged during the run" if code_after == code_before else
             f" -> {code_after}: WARNING, kg changed during the run"))
    print(f"- machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; jieba dictionary load before the clock: {warmup:.2f} s")
    print("- time: " + "; ".join(f"{n} {r['wall_s']:.1f} s ({chars / r['wall_s']:,.0f} chars/s)"
                                 for n, r in runs.items())
          + f"; total elapsed {sum(r['wall_s'] for r in runs.values()) + warmup:.1f} s")
    for n, r in runs.items():
        if r["errors"] or r["off_text"]:
            print(f"- {n}: {len(r['errors'])} sentences raised, {r['off_text']} spans outside the text (dropped)"
                  + "".join(f"\n  - sentence {e['sentence']}: {e['error']}" for e in r["errors"][:5]))
    print()
    print("Exact-span match.\n")
    print("| kind | system | P | R | F1 | TP | FP | FN | predicted | gold |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k in KINDS + ("all",):
        for n in SYSTEMS:
            s = runs[n]["scores"][k]
            print(f"| {k} | {n} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp']:,} | "
                  f"{s['fp']:,} | {s['fn']:,} | {s['pred']:,} | {s['gold']:,} |")

    details = {n: errors_of(sentences, runs[n]["preds"]) for n in SYSTEMS}
    print("\n### Errors by sort\n")
    print("| kind | system | FP: " + " | FP: ".join(FP_CATS) + " | FN: " + " | FN: ".join(FN_CATS) + " |")
    print("|---|---|" + "---|" * (len(FP_CATS) + len(FN_CATS)))
    breakdown = {}
    for k in KINDS:
        for n in SYSTEMS:
            fp = [c for _, _, c in details[n][k]["fp"]]
            fn = [c for _, _, c in details[n][k]["fn"]]
            breakdown.setdefault(n, {})[k] = {"fp": {c: fp.count(c) for c in FP_CATS},
                                              "fn": {c: fn.count(c) for c in FN_CATS}}
            print(f"| {k} | {n} | " + " | ".join(str(fp.count(c)) for c in FP_CATS) + " | "
                  + " | ".join(str(fn.count(c)) for c in FN_CATS) + " |")

    if args.show_errors > 0:
        preds = runs["kg-news"]["preds"]
        for k in KINDS:
            for side, title, other in (("fp", "false positives", "gold here"),
                                       ("fn", "false negatives", "kg-news found here")):
                items = details["kg-news"][k][side]
                shown = spread(items, args.show_errors)
                print(f"\n### kg-news {k} {title}: {len(shown)} of {len(items):,}\n")
                print(f"| sentence | span | sort | context | {other} |")
                print("|---|---|---|---|---|")
                for i, s, cat in shown:
                    text, gold = sentences[i]
                    near = [x for x in (gold if side == "fp" else preds[i]) if overlaps(x, s)]
                    print(f"| {i} | {cell(text[s[1]:s[2]])} | {cat} | {cell(context(text, s))} | "
                          f"{cell(describe(text, near))} |")

    if args.json:
        out = {
            "input": str(args.bio), "limit": args.limit, "sentences": len(sentences), "chars": chars,
            "bio_oddities": odd, "kg": str(package), "head": head, "fingerprint": code_before,
            "fingerprint_after": code_after, "jieba_load_s": round(warmup, 2),
            "systems": {n: {"wall_s": round(r["wall_s"], 2), "chars_per_s": round(chars / r["wall_s"]),
                            "exceptions": len(r["errors"]), "exception_list": r["errors"],
                            "spans_outside_text": r["off_text"], "scores": r["scores"],
                            "errors_by_sort": breakdown[n]}
                        for n, r in runs.items()},
        }
        if args.show_errors > 0:
            out["kg_news_examples"] = {
                k: {side: [{"sentence": i, "span": [s[1], s[2]], "text": sentences[i][0][s[1]:s[2]], "sort": c,
                            "context": context(sentences[i][0], s)}
                           for i, s, c in spread(details["kg-news"][k][side], args.show_errors)]
                    for side in ("fp", "fn")}
                for k in KINDS}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\n(results written to {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
