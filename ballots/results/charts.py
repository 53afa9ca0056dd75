"""The pictures on a results page, built from a published count with the shared chart drawing."""

from __future__ import annotations

from collections import OrderedDict

import msgspec

from ballots.counting.schemas import CountView
from ballots.schemas import TurnoutView
from server.charts import (
    Chart,
    PointsRow,
    budget_split_chart,
    by_neighborhood_chart,
    points_chart,
    turnout_by_age_chart,
)
from server.i18n import fmt_money, fmt_number, get_locale, text_direction
from server.i18n import gettext as _

# Drawing these charts was about an eighth of a results page's CPU (issue 21). They depend only on
# their inputs and the reader's language, so each drawing is kept under the full encoding of its
# inputs: any change to a count, the turnout or a group makes another key, so nothing stale is shown.
_DRAWN: OrderedDict[tuple[bytes, str, str], tuple[Chart, ...]] = OrderedDict()
_KEEP = 64


def result_charts(count: CountView, turnout: TurnoutView, currency: str,
                  by_neighborhood: list[tuple[str, int | None]] | None = None) -> list[Chart]:
    key = (msgspec.json.encode((count, turnout, by_neighborhood)), currency, get_locale())
    drawn = _DRAWN.get(key)
    if drawn is None:
        drawn = _DRAWN[key] = tuple(_draw(count, turnout, currency, by_neighborhood))
        if len(_DRAWN) > _KEEP:
            _DRAWN.popitem(last=False)
    else:
        _DRAWN.move_to_end(key)
    return list(drawn)


def _draw(count: CountView, turnout: TurnoutView, currency: str,
          by_neighborhood: list[tuple[str, int | None]] | None) -> list[Chart]:
    rtl = text_direction() == "rtl"
    money = lambda v: fmt_money(v, currency)  # noqa: E731
    charts = [
        budget_split_chart(
            chart_id="budget-split", title=_("How the budget is split"),
            desc=_("%(spent)s of %(budget)s goes to %(n)s funded projects; %(left)s is not spent.",
                   spent=money(count.spent), budget=money(count.budget), n=len(count.funded),
                   left=money(max(0, count.budget - count.spent))),
            parts=[(p.title, p.cost) for p in count.funded], budget=count.budget, unspent_label=_("Not spent"),
            headers=(_("Project"), _("Amount")), data_label=_("Show the numbers"), fmt=money, rtl=rtl),
        points_chart(
            chart_id="points", title=_("Points per project"),
            desc=_("Each bar is a project's total points from all ballots; funded projects are hatched and "
                   "marked funded."),
            rows=[PointsRow(p.title, p.points, p.selected) for p in count.projects],
            funded_label=_("funded"), not_funded_label=_("not funded"), funded_line_label=_("funding line"),
            headers=(_("Project"), _("Points"), _("Outcome")), data_label=_("Show the numbers"), fmt=fmt_number,
            rtl=rtl),
    ]
    if turnout.total is not None:
        charts.append(turnout_by_age_chart(
            chart_id="turnout-age", title=_("Ballots by age group"),
            desc=_("How many ballots came from each age group. Groups with fewer than 5 voters are not shown."),
            bands=[(g.label, g.count) for g in turnout.by_age], suppressed_label=_("fewer than 5"),
            headers=(_("Age group"), _("Ballots")), data_label=_("Show the numbers"), fmt=fmt_number, rtl=rtl))
    if by_neighborhood and len(by_neighborhood) > 1:
        charts.append(by_neighborhood_chart(
            chart_id="turnout-neighborhood", title=_("Ballots by neighborhood"),
            desc=_("Ballots cast online, by the voter's neighborhood; ballots cast with a code or on paper form one "
                   "group. Groups with fewer than 5 voters are not shown."),
            rows=[(name or _("Code or paper"), n) for name, n in by_neighborhood], suppressed_label=_("fewer than 5"),
            headers=(_("Neighborhood"), _("Ballots")), data_label=_("Show the numbers"), fmt=fmt_number, rtl=rtl))
    return charts
