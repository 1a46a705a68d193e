"""Dates in one sentence: 1月30日, 1月13日至16日, 2023年12月21日—22日, 2月21日起, and a day alone (9日)."""
from __future__ import annotations

from kg import lexicon
from kg.extract.text import fold
from kg.model import DateMention


def find_dates(s: str, offset: int, month: int | None = None) -> list[DateMention]:
    """Return dates with the year when written; a day alone (9日上午) takes ``month`` when one is known."""
    f = fold(s)
    out = []
    for m in lexicon.pattern("date").finditer(f):
        mo, d = int(m.group("m")), int(m.group("d"))
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        until = None
        if m.group("d2"):
            mo2, d2 = int(m.group("m2") or mo), int(m.group("d2"))
            if 1 <= mo2 <= 12 and 1 <= d2 <= 31 and (mo2, d2) > (mo, d):
                until = (mo2, d2)
        y = int(m.group("y")) if m.group("y") else None
        if y is not None and not 1949 <= y <= 2100:
            y = None
        out.append(DateMention("date", offset + m.start(), offset + m.end(), s[m.start():m.end()], y, mo, d, until,
                               bool(m.group("since"))))
    if month:
        for m in lexicon.pattern("day_only").finditer(f):
            d = int(m.group("d"))
            if 1 <= d <= 31 and not any(x.start - offset <= m.start() < x.end - offset for x in out):
                out.append(DateMention("date", offset + m.start(), offset + m.end("d") + 1, s[m.start():m.end("d") + 1],
                                       None, month, d))
    return sorted(out, key=lambda x: x.start)
