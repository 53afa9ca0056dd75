"""Charts drawn on the server as accessible inline SVG, with no I/O and no JavaScript.

Every chart is an `<svg role="img">` named by its `<title>` and `<desc>`, followed by the same
numbers as a table in a `<details>` (the text alternative: screen readers, copy-paste, print).
Meaning never rests on colour: bars carry patterns and direct text labels, and every stroke, fill
and text uses `currentColor`, so forced-colors (Windows high contrast) mode redraws them in the
person's own colours. Only presentation attributes are used, because the CSP forbids inline styles.
The viewBox scales the drawing to the container (width 100%). Right-to-left pages mirror the bars
and set `direction="rtl"` on text, keeping logical anchors.

All strings arrive already translated and numbers are formatted by the caller's `fmt`, so this
module knows no language. Everything passed in is escaped: project titles are residents' input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Number = int | float
Formatter = Callable[[Number], str]

WIDTH = 400  # small enough that text stays readable when a phone scales the drawing down
ROW = 46  # one horizontal bar: label line above, bar below
BAR = 18
LABEL_CHARS = 50  # longer labels are cut in the drawing (the table keeps them whole)

# Pattern names, cycled for stacked segments so neighbours differ without colour.
PATTERNS = ("solid", "hatch", "cross", "dots", "rhatch")


@dataclass(frozen=True)
class Chart:
    """`svg` and `table` are safe HTML strings; `__html__` lets Jinja insert the whole figure."""

    id: str
    svg: str
    table: str
    data_label: str

    def __html__(self) -> str:
        return (
            f'<figure class="chart" id="{_e(self.id)}">{self.svg}'
            f'<details class="chart-data"><summary>{_e(self.data_label)}</summary>{self.table}</details></figure>'
        )

    def __str__(self) -> str:
        return self.__html__()


@dataclass(frozen=True)
class PointsRow:
    label: str
    points: Number
    funded: bool


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _safe_id(chart_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    return cleaned if cleaned[:1].isalpha() else f"c-{cleaned}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


class _Canvas:
    """Coordinates in a left-to-right frame, mirrored on output for right-to-left pages."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl
        self.parts: list[str] = []

    def x(self, x: float, width: float = 0) -> float:
        return WIDTH - x - width if self.rtl else x

    def rect(self, x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> None:
        self.parts.append(
            f'<rect x="{self.x(x, w):.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
            f'stroke="currentColor" stroke-width="1.5"{extra}/>'
        )

    def text(self, x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> None:
        # Logical anchors: with direction="rtl", "start" is the right-hand end of the text.
        direction = ' direction="rtl"' if self.rtl else ""
        self.parts.append(
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}"{direction} fill="currentColor"{extra}>'
            f"{_e(content)}</text>"
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, extra: str = "") -> None:
        self.parts.append(
            f'<line x1="{self.x(x1):.1f}" y1="{y1:.1f}" x2="{self.x(x2):.1f}" y2="{y2:.1f}" '
            f'stroke="currentColor"{extra}/>'
        )


def _defs(pid: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{pid}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="currentColor" stroke-width="4"/></pattern>'
        f'<pattern id="{pid}-rhatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="currentColor" stroke-width="2"/></pattern>'
        f'<pattern id="{pid}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<path d="M0 4H8M4 0V8" stroke="currentColor" stroke-width="1.5"/></pattern>'
        f'<pattern id="{pid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<circle cx="3" cy="3" r="1.5" fill="currentColor"/></pattern>'
        "</defs>"
    )


def _fill(pid: str, pattern: str) -> str:
    if pattern == "solid":
        return "currentColor"
    if pattern == "none":
        return "none"
    return f"url(#{pid}-{pattern})"


def _svg(pid: str, title: str, desc: str, height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{pid}-title {pid}-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'class="chart-svg" font-size="14" focusable="false">'
        f'<title id="{pid}-title">{_e(title)}</title><desc id="{pid}-desc">{_e(desc)}</desc>'
        f"{_defs(pid)}{''.join(body)}</svg>"
    )


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + f'<th scope="row">{_e(r[0])}</th>' + "".join(f"<td>{_e(c)}</td>" for c in r[1:]) + "</tr>"
        for r in rows
    )
    return (
        f'<table class="table chart-table"><caption>{_e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def budget_split_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    parts: Sequence[tuple[str, Number]],
    budget: Number,
    unspent_label: str,
    headers: tuple[str, str],
    data_label: str,
    fmt: Formatter,
    rtl: bool = False,
) -> Chart:
    """One stacked bar of the whole budget: a segment per funded project (each with its own
    pattern), then "unspent" as a dashed outline; below it, a key row per segment naming it with
    its amount. `parts` are (project title, amount)."""
    pid = _safe_id(chart_id)
    spent = sum(v for _, v in parts)
    unspent = max(0, budget - spent)
    total = max(budget, spent) or 1
    canvas = _Canvas(rtl)
    x = 0.0
    segments = [(label, value, PATTERNS[i % len(PATTERNS)]) for i, (label, value) in enumerate(parts)]
    if unspent:
        segments.append((unspent_label, unspent, "none"))
    for _label, value, pattern in segments:
        w = WIDTH * value / total
        if w > 0:
            extra = ' stroke-dasharray="6 4"' if pattern == "none" else ""
            canvas.rect(x, 4, w, 40, _fill(pid, pattern), extra)
        x += w
    y = 60.0
    for label, value, pattern in segments:
        extra = ' stroke-dasharray="4 3"' if pattern == "none" else ""
        canvas.rect(0, y + 2, 24, 30, _fill(pid, pattern), extra)
        canvas.text(34, y + 14, _short(label))
        canvas.text(34, y + 32, fmt(value), extra=' font-weight="bold"')
        y += 44
    rows = [(label, fmt(value)) for label, value, _ in segments]
    table = _table(title, headers, rows)
    return Chart(pid, _svg(pid, title, desc, y + 4, canvas.parts), table, data_label)


def points_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[PointsRow],
    funded_label: str,
    not_funded_label: str,
    funded_line_label: str,
    headers: tuple[str, str, str],
    data_label: str,
    fmt: Formatter,
    rtl: bool = False,
) -> Chart:
    """Horizontal bars sorted by points (highest first). Funded bars are hatched and say
    `funded_label` next to their points; others are outlines. When the funded projects are exactly
    the top ones, a dashed line labelled `funded_line_label` marks where funding stopped."""
    pid = _safe_id(chart_id)
    ordered = sorted(rows, key=lambda r: -r.points)
    top = max((r.points for r in ordered), default=0) or 1
    canvas = _Canvas(rtl)
    funded_count = sum(1 for r in ordered if r.funded)
    prefix = 0 < funded_count < len(ordered) and all(r.funded for r in ordered[:funded_count])
    y = 4.0
    usable = WIDTH - 150  # room after the bar for the points and the funded label
    for index, row in enumerate(ordered):
        canvas.text(0, y + 14, _short(row.label))
        w = max(2.0, usable * row.points / top) if row.points else 0.0
        if w:
            canvas.rect(0, y + 20, w, BAR, _fill(pid, "hatch" if row.funded else "none"))
        value = fmt(row.points) + (f" · {funded_label}" if row.funded else "")
        canvas.text(w + 8, y + 34, value, extra=' font-weight="bold"' if row.funded else "")
        y += ROW
        if prefix and index == funded_count - 1:
            canvas.line(0, y - 2, WIDTH, y - 2, ' stroke-width="2" stroke-dasharray="8 5"')
            canvas.text(WIDTH, y + 14, funded_line_label, anchor="end", extra=' font-style="italic"')
            y += 22
    table = _table(title, headers, [
        (r.label, fmt(r.points), funded_label if r.funded else not_funded_label) for r in ordered
    ])
    return Chart(pid, _svg(pid, title, desc, y + 4, canvas.parts), table, data_label)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Number | None]],
    headers: tuple[str, str],
    data_label: str,
    fmt: Formatter,
    suppressed_label: str = "",
    rtl: bool = False,
    pattern: str = "hatch",
) -> Chart:
    """Horizontal bars in the given order (`pattern` tells one chart's bars from another's on the
    same page without colour). A value of None is a suppressed group (too few people
    to show without identifying them): it gets no bar at all and `suppressed_label` in place of a
    number, in the drawing and the table, so nothing about its size leaks."""
    pid = _safe_id(chart_id)
    shown = [v for _, v in rows if v is not None]
    top = max(shown, default=0) or 1
    canvas = _Canvas(rtl)
    usable = WIDTH - 130
    y = 4.0
    for label, value in rows:
        canvas.text(0, y + 14, _short(label))
        if value is None:
            canvas.text(0, y + 34, suppressed_label, extra=' font-style="italic"')
        else:
            w = max(2.0, usable * value / top) if value else 0.0
            if w:
                canvas.rect(0, y + 20, w, BAR, _fill(pid, pattern))
            canvas.text(w + 8, y + 34, fmt(value))
        y += ROW
    table = _table(title, headers, [(label, suppressed_label if v is None else fmt(v)) for label, v in rows])
    return Chart(pid, _svg(pid, title, desc, y + 4, canvas.parts), table, data_label)


def turnout_by_age_chart(*, bands: Sequence[tuple[str, Number | None]], suppressed_label: str,
                         **kwargs: object) -> Chart:
    """Turnout per age band; None marks a band suppressed for privacy ("fewer than 5")."""
    return bar_chart(rows=bands, suppressed_label=suppressed_label, **kwargs)  # type: ignore[arg-type]


def by_neighborhood_chart(*, rows: Sequence[tuple[str, Number | None]], **kwargs: object) -> Chart:
    """Turnout or money per neighborhood (same drawing as `bar_chart`)."""
    return bar_chart(rows=rows, **kwargs)  # type: ignore[arg-type]


def progress_chart(*, chart_id: str, title: str, desc: str, items: Sequence[tuple[str, Number, Number]],
                   headers: tuple[str, str, str], data_label: str, fmt: Formatter, rtl: bool = False) -> Chart:
    """Spent against allocated per item: an outline bar for the allocation with the spent part
    hatched inside it; overspending draws past the outline and the numbers say so."""
    pid = _safe_id(chart_id)
    top = max((max(a, s) for _, s, a in items), default=0) or 1
    canvas = _Canvas(rtl)
    usable = WIDTH - 4
    y = 4.0
    for label, spent, allocated in items:
        canvas.text(0, y + 14, _short(label))
        canvas.rect(0, y + 20, max(2.0, usable * allocated / top), BAR, "none")
        if spent:
            canvas.rect(0, y + 20, max(2.0, usable * spent / top), BAR, _fill(pid, "hatch"))
        canvas.text(0, y + 56, f"{fmt(spent)} / {fmt(allocated)}")  # own line: long amounts never collide
        y += ROW + 20
    table = _table(title, headers, [(label, fmt(s), fmt(a)) for label, s, a in items])
    return Chart(pid, _svg(pid, title, desc, y + 4, canvas.parts), table, data_label)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, Number | None]],
    headers: Sequence[str],
    data_label: str,
    fmt: Formatter,
    target: Number | None = None,
    target_label: str = "",
    breaks: Sequence[int] = (),
    break_label: str = "",
    notes: Sequence[str] = (),
    suppressed_label: str = "",
    rtl: bool = False,
) -> Chart:
    """A line over time: `points` are (period label, value) in time order; None is a gap (a value
    not shown, e.g. suppressed). A dashed horizontal line marks `target`; a dotted vertical line
    labelled `break_label` stands before each index in `breaks` (a series break: the method
    changed), and the line is not drawn across it, so the eye never compares across a change of
    method. Every point is a marker (not colour alone); the first and last values are written next
    to their points. The table lists every period with its value and `notes[i]` (flags)."""
    pid = _safe_id(chart_id)
    shown = [v for _, v in points if v is not None]
    candidates = [*shown, *([target] if target is not None else [])]
    low = min(candidates, default=0)
    high = max(candidates, default=1)
    low = min(low, 0)  # from zero: a line that starts mid-air exaggerates change
    span = (high - low) or 1
    left, right, top, plot_h = 8.0, 24.0, 28.0, 180.0
    usable = WIDTH - left - right
    n = len(points)
    canvas = _Canvas(rtl)

    def px(i: int) -> float:
        return left + (usable * i / (n - 1) if n > 1 else usable / 2)

    def py(v: Number) -> float:
        return top + plot_h - plot_h * (v - low) / span

    canvas.line(left, top + plot_h, WIDTH - right, top + plot_h, ' stroke-width="1.5"')
    canvas.text(left, top + plot_h + 18, points[0][0] if points else "")
    if n > 1:
        canvas.text(WIDTH - right, top + plot_h + 18, points[-1][0], anchor="end")
    if target is not None:
        canvas.line(left, py(target), WIDTH - right, py(target), ' stroke-width="2" stroke-dasharray="8 5"')
        canvas.text(WIDTH - right, py(target) - 6, f"{target_label} {fmt(target)}".strip(), anchor="end",
                    extra=' font-style="italic"')
    for b in breaks:
        if 0 < b < n:
            x = (px(b - 1) + px(b)) / 2
            canvas.line(x, top - 10, x, top + plot_h, ' stroke-width="1.5" stroke-dasharray="2 3"')
            canvas.text(x + 4, top - 12, break_label, extra=' font-style="italic"')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_label, value) in enumerate(points):
        if value is None or i in breaks:
            if segment:
                segments.append(segment)
            segment = []
        if value is not None:
            segment.append(f"{canvas.x(px(i)):.1f},{py(value):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            canvas.parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="currentColor" '
                                'stroke-width="2.5"/>')
    for i, (_label, value) in enumerate(points):
        if value is not None:
            canvas.parts.append(f'<circle cx="{canvas.x(px(i)):.1f}" cy="{py(value):.1f}" r="3.5" '
                                'fill="currentColor"/>')
    ends = [i for i, (_, v) in enumerate(points) if v is not None]
    if ends:
        first, last = ends[0], ends[-1]
        canvas.text(px(first), py(points[first][1]) - 10, fmt(points[first][1]),  # type: ignore[arg-type]
                    extra=' font-weight="bold"')
        if last != first:
            canvas.text(px(last), py(points[last][1]) - 10, fmt(points[last][1]),  # type: ignore[arg-type]
                        anchor="end", extra=' font-weight="bold"')
    rows = []
    for i, (label, value) in enumerate(points):
        cells = [label, suppressed_label if value is None else fmt(value)]
        if len(headers) > 2:
            cells.append(notes[i] if i < len(notes) else "")
        rows.append(cells)
    table = _table(title, headers, rows)
    return Chart(pid, _svg(pid, title, desc, top + plot_h + 28, canvas.parts), table, data_label)
