"""The public transparency dashboard: one page per budget cycle and one across cycles."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from indicators import service as indicators
from indicators import summary, trends
from server import clock
from server.charts import bar_chart, by_neighborhood_chart
from server.database import one_connection
from server.i18n import fmt_money, fmt_number, get_locale, text_direction
from server.i18n import gettext as _
from server.replica import REPLICA_OK
from transparency.dashboard import service
from transparency.dashboard.schemas import CycleFigures


def _charts(figures: CycleFigures, currency: str) -> list[tuple[str, str, object]]:
    """(visible title, unit, chart) for each chart: the SVG's own title is read only by screen readers."""
    rtl = text_direction() == "rtl"
    charts: list[tuple[str, str, object]] = []
    if figures.allocated_by_neighborhood:
        charts.append((_("Money allocated by neighborhood"), _("Amounts in %(currency)s", currency=currency),
                       by_neighborhood_chart(pattern="dots",
            chart_id=f"money-{figures.cycle_id}", title=_("Money allocated by neighborhood"),
            desc=_("How much of the funded projects' money goes to each neighborhood."),
            rows=figures.allocated_by_neighborhood, headers=(_("Neighborhood"), _("Allocated")),
            data_label=_("Show the numbers"), fmt=lambda v: fmt_money(v, currency), rtl=rtl)))
    if figures.ballots:
        charts.append((_("Ballots cast per vote"), _("Number of ballots"), bar_chart(
            chart_id=f"turnout-{figures.cycle_id}", title=_("Ballots cast per vote"),
            desc=_("How many ballots each vote received. Votes with fewer than 5 ballots are not shown."),
            rows=[(b.title, b.turnout) for b in figures.ballots], headers=(_("Vote"), _("Ballots")),
            suppressed_label=_("fewer than 5"), data_label=_("Show the numbers"), fmt=fmt_number, rtl=rtl)))
    return charts


# The section as computed from its rows, per day and language: assessing every series and writing its
# sentences was a fifth of the dashboard's CPU (issue 21), yet the same rows give the same section.
# Keyed on every row read, so a new value, indicator or break is computed afresh; a handful of keys.
_SAFETY: dict[tuple[Any, ...], list[dict[str, object]]] = {}


async def _safety_and_trust() -> list[dict[str, object]]:
    """The indicators, each with its latest value and its plain summary (setbacks included)."""
    inputs = await indicators.headline_inputs()
    key = (inputs, clock.today(), get_locale())
    if (rows := _SAFETY.get(key)) is None:
        if len(_SAFETY) >= 32:
            _SAFETY.clear()
        rows = _SAFETY[key] = _safety_rows(indicators.headlines_from(inputs))
    return rows


def _safety_rows(details: list[indicators.Detail]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for detail in details:
        assessment = indicators.assess(detail)
        rows.append({
            "indicator": detail.indicator,
            "latest": summary.fmt_value(assessment.latest.value, detail.indicator.unit) if assessment.latest else "",
            "sentences": summary.sentences(detail, assessment),
            "setback": assessment.worsening or assessment.target_status == trends.MISSED,
        })
    return rows


class DashboardController(Controller):
    path = "/dashboard"
    include_in_schema = False
    opt = REPLICA_OK  # public and read-only: may read from the read replica (server/replica.py)

    @get("/", name="dashboard.index")
    async def index(self) -> Template:
        async with one_connection():
            context = {"cycles": await service.all_cycle_figures(), "commitments": await service.commitment_figures(),
                       "safety": await _safety_and_trust(), "concern_figures": await service.concern_figures()}
        return Template("dashboard/index.html", context=context)

    @get("/{cycle_id:int}", name="dashboard.cycle")
    async def cycle(self, request: Request[Any, Any, Any], cycle_id: FromPath[int]) -> Template:
        async with one_connection():
            figures = await service.cycle_figures(cycle_id)
        if figures is None:
            raise NotFoundException()
        return Template("dashboard/cycle.html", context={
            "f": figures, "charts": _charts(figures, request.app.state.settings.currency)})
