"""Indicator pages (list, one indicator with its charts, tables, summary and downloads) and the
council's pages for defining indicators, importing Open SDG CSV and marking series breaks."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from indicators import opensdg, service, summary, texts, trends
from indicators.schemas import (
    Detail,
    flag_label,
    parse_break,
    parse_indicator,
    unit_label,
)
from server import charts, forms, i18n
from server.guards import requires_council
from server.i18n import gettext as _
from server.measures import UNITS, sources
from server.neighborhoods.service import active_neighborhoods

MAX_CSV_BYTES = 2 * 1024 * 1024


def _rtl() -> bool:
    return i18n.text_direction() == "rtl"


def _breakdown_text(breakdown: dict[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(breakdown.items()))


def page_context(detail: Detail) -> dict[str, Any]:
    """Everything an indicator page shows, computed once (the page and the dashboard use it)."""
    i = detail.indicator
    assessment = service.assess(detail)
    names = sorted({(v.neighborhood, v.neighborhood_id) for v in detail.values if v.neighborhood_id is not None})
    places = [(name, service.assess(detail, hood)) for name, hood in names]
    city = [v for v in detail.values if v.neighborhood_id is None and not v.breakdown]
    periods = [v.period for v in city]
    break_at = [periods.index(b.period) for b in detail.breaks if b.period in periods]
    fmt = lambda v: summary.fmt_value(v, i.unit)  # noqa: E731
    line = charts.line_chart(
        chart_id=f"line-{i.slug}", title=_("%(name)s over time", name=i.name),
        desc=" ".join(plain(s.html) for s in summary.sentences(detail, assessment)),
        points=[(summary.fmt_period(v.period), v.value) for v in city],
        headers=(_("Period"), f"{_('Value')} ({unit_label(i.unit)})", _("Note")),
        data_label=_("Show the numbers as a table"), fmt=fmt, target=i.target, target_label=_("Target"),
        breaks=break_at, break_label=_("Method changed"), notes=[flag_label(v.flag) for v in city],
        suppressed_label=_("fewer than 5"), rtl=_rtl(),
    ) if city else None
    latest = assessment.latest.period if assessment.latest else None
    bars = None
    hood_values = [v for v in detail.values if v.neighborhood_id is not None and not v.breakdown and v.period == latest]
    if hood_values and i.by_neighborhood:
        bars = charts.bar_chart(
            chart_id=f"bars-{i.slug}", title=_("%(name)s by neighborhood, %(period)s", name=i.name,
                                                  period=summary.fmt_period(latest or "")),
            desc=_("One bar per neighborhood for the latest period."),
            rows=[(v.neighborhood, v.value) for v in hood_values],
            headers=(_("Neighborhood"), f"{_('Value')} ({unit_label(i.unit)})"),
            data_label=_("Show the numbers as a table"), fmt=fmt, suppressed_label=_("fewer than 5"), rtl=_rtl())
    source = sources().get(i.source) if i.source else None
    return {
        "detail": detail, "indicator": i, "assessment": assessment, "sentences": summary.sentences(
            detail, assessment, places), "line_chart": line, "bar_chart": bars, "unit_label": unit_label(i.unit),
        "fmt": fmt, "fmt_period": summary.fmt_period, "flag_label": flag_label, "breakdown_text": _breakdown_text,
        "source_label": _(source.label) if source else "", "source_method": _(source.method) if source and
        source.method else "", "setback": assessment.worsening or assessment.target_status == trends.MISSED,
    }


def plain(html: str) -> str:
    """A summary sentence as plain text, for the chart's <desc> (which escapes it again)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


class IndicatorController(Controller):
    path = "/indicators"
    include_in_schema = False

    @get("/", name="indicators.list")
    async def list_indicators(self) -> Template:
        rows = []
        for detail in await service.details():
            assessment = service.assess(detail)
            rows.append({"indicator": detail.indicator, "assessment": assessment,
                         "sentences": summary.sentences(detail, assessment),
                         "latest": summary.fmt_value(assessment.latest.value, detail.indicator.unit)
                         if assessment.latest else "",
                         "setback": assessment.worsening or assessment.target_status == trends.MISSED})
        return Template("indicators/list.html", context={"rows": rows})

    @get("/{slug:str}", name="indicators.page")
    async def page(self, slug: FromPath[str]) -> Template:
        try:
            detail = await service.get_indicator(slug)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Template("indicators/page.html", context=page_context(detail))

    @get("/{slug:str}/data.csv", name="indicators.csv", cache=False)
    async def csv(self, slug: FromPath[str]) -> Response[str]:
        try:
            indicator, rows = await service.export_rows(slug)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Response(opensdg.write(rows, unit=indicator.unit), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{indicator.slug}.csv"'})

    @get("/{slug:str}/data.json", name="indicators.json", cache=False)
    async def json(self, slug: FromPath[str]) -> Response[bytes]:
        try:
            detail = await service.get_indicator(slug)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Response(msgspec.json.encode(detail), media_type="application/json")


class CouncilIndicatorController(Controller):
    path = "/council/indicators"
    guards = [requires_council]
    include_in_schema = False

    async def _list(self, errors: forms.Errors | None = None, form: dict[str, str] | None = None,
                    status: int = 200) -> Template:
        return Template("indicators/council.html", status_code=status, context={
            "indicators": await service.list_indicators(), "errors": errors or {},
            "form": form or {"unit": "days", "by_neighborhood": "on"}, "units": [(u, unit_label(u)) for u in UNITS],
            "sources": [(name, _(s.label)) for name, s in sources().items()], "languages": texts.LANGUAGES,
        })

    @get("/", name="indicators.council")
    async def overview(self) -> Template:
        return await self._list()

    @post("/", name="indicators.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_indicator(form, sources())
        if data is not None:
            try:
                slug = await service.create_indicator(data, request.user.id)
            except service.Taken:
                errors = {"slug": _("Another indicator already has this address.")}
        if errors:
            return await self._list(errors, form, status=400)
        flash(request, _("Indicator created."), "success")
        return Redirect(f"/council/indicators/{slug}", status_code=HTTP_303_SEE_OTHER)

    async def _manage(self, slug: str, *, errors: forms.Errors | None = None, form: dict[str, str] | None = None,
                      import_problems: list[opensdg.Problem] | None = None, break_errors: forms.Errors | None = None,
                      break_form: dict[str, str] | None = None, status: int = 200) -> Template:
        try:
            detail = await service.get_indicator(slug)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        i = detail.indicator
        current = {"slug": i.slug, **texts.form_values("name", i.texts["name"]),
                   **texts.form_values("description", i.texts["description"]), "unit": i.unit,
                   "lower_is_better": "on" if i.lower_is_better else "", "target": "" if i.target is None else
                   opensdg.format_value(i.target), "target_date": i.target_date.isoformat() if i.target_date else "",
                   "by_neighborhood": "on" if i.by_neighborhood else "", "source": i.source,
                   "source_notes": i.source_notes, "method_notes": i.method_notes}
        return Template("indicators/manage.html", status_code=status, context={
            "detail": detail, "indicator": i, "errors": errors or {}, "form": form or current,
            "units": [(u, unit_label(u)) for u in UNITS], "import_problems": import_problems or [],
            "break_errors": break_errors or {}, "break_form": break_form or {}, "fmt_period": summary.fmt_period,
            "sources": [(name, _(s.label)) for name, s in sources().items()],
            "neighborhoods": await active_neighborhoods(),
        })

    @get("/{slug:str}", name="indicators.manage")
    async def manage(self, slug: FromPath[str]) -> Template:
        return await self._manage(slug)

    @post("/{slug:str}", name="indicators.update")
    async def update(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_indicator({**form, "slug": slug}, sources())
        if data is None:
            return await self._manage(slug, errors=errors, form={**form, "slug": slug}, status=400)
        try:
            await service.update_indicator(slug, data)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        flash(request, _("Indicator saved."), "success")
        return Redirect(f"/council/indicators/{slug}", status_code=HTTP_303_SEE_OTHER)

    @post("/{slug:str}/import", name="indicators.import", request_max_body_size=MAX_CSV_BYTES + 64 * 1024)
    async def import_csv(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template | Redirect:
        raw = await request.form()
        upload = raw.get("file")
        text = ""
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                problems = [opensdg.Problem(1, "", _("Save the file as UTF-8 text and try again."))]
                return await self._manage(slug, import_problems=problems, status=400)
        if not text.strip():
            problems = [opensdg.Problem(1, "", _("Choose a CSV file to import."))]
            return await self._manage(slug, import_problems=problems, status=400)
        try:
            count = await service.import_csv(slug, text)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.Computed:
            problems = [opensdg.Problem(1, "", _("This indicator is computed from Townsquare's own data; it takes "
                                                 "no imports."))]
            return await self._manage(slug, import_problems=problems, status=400)
        except service.Invalid as exc:
            return await self._manage(slug, import_problems=exc.problems, status=400)
        flash(request, i18n.ngettext("%(num)s value imported.", "%(num)s values imported.", count), "success")
        return Redirect(f"/council/indicators/{slug}", status_code=HTTP_303_SEE_OTHER)

    @post("/{slug:str}/breaks", name="indicators.break")
    async def add_break(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template | Redirect:
        form = await forms.read_form(request)
        parsed, errors = parse_break(form)
        if parsed is None:
            return await self._manage(slug, break_errors=errors, break_form=form, status=400)
        try:
            await service.add_break(slug, *parsed)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        flash(request, _("Series break recorded."), "success")
        return Redirect(f"/council/indicators/{slug}", status_code=HTTP_303_SEE_OTHER)
