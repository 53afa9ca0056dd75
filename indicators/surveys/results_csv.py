"""A counted survey's results as CSV, written from the same `Results` the results page shows
(service.results, where small groups are already hidden by server/small_groups.py): the file holds
the page's figures and nothing else, so it cannot reveal a cell the page withholds. Pure: no I/O.

One row per figure, tidy like the indicators' Open SDG download: `breakdown` is `total` for the
whole survey or the dimension (neighborhood, age, language, channel), `answer` is empty on the row
counting who answered the question. A figure the page does not show has an empty `people` and says
why in `note` in the page's words: `fewer_than_5` where the page says "fewer than 5", `not_shown`
where it says "not shown". Shares and their 95% range are whole percents, as on the page; free-text
questions have no figures (the page shows their published answers only)."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.surveys.service import Results

COLUMNS = ["question_id", "question", "breakdown", "group", "answer", "people", "note", "percent",
           "percent_low", "percent_high", "mean"]
FEWER_THAN_5, NOT_SHOWN = "fewer_than_5", "not_shown"


def _whole_percent(count: int, of: int) -> int:
    # As the page's percent filter rounds (Babel: half to even).
    return int((Decimal(count) * 100 / Decimal(of)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) if of else 0


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write(results: Results, group_names: dict[str, dict[str, str]], not_given: str) -> str:
    """`group_names`: dimension -> group key -> the name the page shows; `not_given` names the empty
    group, as on the page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    if results.respondents is None:  # the page shows no result at all
        return out.getvalue()
    for qr in results.questions:
        q = qr.question
        if q.kind == "text":
            continue
        base = [q.id, q.text]
        writer.writerow([*base, "total", "", "", *_people(qr.answered, FEWER_THAN_5), "", "", "", _mean(qr.mean)])
        for o in qr.options:
            if o.count is None or o.share is None:
                writer.writerow([*base, "total", "", o.label, "", FEWER_THAN_5 if o.fewer_than_5 else NOT_SHOWN,
                                 "", "", "", ""])
                continue
            writer.writerow([*base, "total", "", o.label, o.count, "", _whole_percent(o.share.count, o.share.of),
                             _whole_percent(round(o.share.low * 1000), 1000),
                             _whole_percent(round(o.share.high * 1000), 1000), ""])
        for dim, rows in qr.breakdowns.items():
            names = group_names.get(dim, {})
            for row in rows:
                group = names.get(row.group, row.group) or not_given
                writer.writerow([*base, dim, group, "", *_people(row.answered, NOT_SHOWN), "", "", "", _mean(row.mean)])
                for o, cell in zip(qr.options, row.cells, strict=True):
                    writer.writerow([*base, dim, group, o.label, *_people(cell, NOT_SHOWN), "", "", "", ""])
    return out.getvalue()


def _people(count: int | None, hidden_as: str) -> tuple[int | str, str]:
    return ("", hidden_as) if count is None else (count, "")
