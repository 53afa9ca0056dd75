"""Council pages for ballots: create and edit (until voting opens), extend the closing time,
generate access codes (printable sheet or CSV), and enter paper ballots twice."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from markupsafe import Markup

from ballots import service
from ballots.controllers.voting import NO_STORE, load_ballot, ranking_from_form
from ballots.counting import service as counting
from ballots.eligibility import AGE_BANDS
from ballots.results import service as results
from ballots.schemas import RULES, BallotView, parse_datetime, parse_settings
from server import clock, forms
from server.guards import requires_council
from server.i18n import fmt_date
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.web import see_other


def settings_form(ballot: BallotView) -> dict[str, Any]:
    return {
        "title": ballot.title, "explanation": ballot.explanation, "cycle_id": str(ballot.cycle_id),
        "fund": str(ballot.neighborhood_id) if ballot.neighborhood_id else "city", "budget": str(ballot.budget),
        "max_ranks": str(ballot.max_ranks), "min_ranks": str(ballot.min_ranks),
        "age_min": "" if ballot.age_min is None else str(ballot.age_min),
        "age_max": "" if ballot.age_max is None else str(ballot.age_max),
        "opens_at": clock.local_input_value(ballot.opens_at), "closes_at": clock.local_input_value(ballot.closes_at),
        "rule": ballot.rule,
        "candidates": [str(c.proposal_id) for c in ballot.candidates],
        "decided_after": "" if ballot.decided_after is None else str(ballot.decided_after),
    }


def one_fund_errors(exc: service.BallotError) -> forms.Errors:
    """The one-fund refusals in the council's language, on the field that can fix them."""
    if isinstance(exc, service.SharedCandidates):
        items = Markup("; ").join(
            Markup(_("%(project)s (on %(ballot)s)")) % {"project": Markup("<bdi>{}</bdi>").format(title),
                                                       "ballot": Markup("<bdi>{}</bdi>").format(other)}
            for title, other in exc.conflicts)
        return {"candidates": Markup(_("These projects are already on another ballot of this budget cycle: "
                                       "%(items)s. A project can be funded by one fund only: take it off one "
                                       "of the ballots, or choose below which ballot is decided first.")) % {
            "items": items}}
    return {"decided_after": _("Please choose a ballot of the same budget cycle that is not decided after this "
                               "one.")}


def voting_phase_errors(exc: service.OutsideVotingPhase) -> forms.Errors:
    """The refusal next to the time that falls outside the cycle's voting phase."""
    values = {"cycle": Markup("<bdi>{}</bdi>").format(exc.cycle_name),
              "first": Markup("<bdi>{}</bdi>").format(fmt_date(exc.first_day)),
              "last": Markup("<bdi>{}</bdi>").format(fmt_date(exc.last_day))}
    messages = {
        "opens_at": Markup(_("Voting in %(cycle)s runs from %(first)s to %(last)s (its voting phase), so the ballot "
                             "must open on one of those days.")) % values,
        "closes_at": Markup(_("Voting in %(cycle)s runs from %(first)s to %(last)s (its voting phase), so the "
                              "ballot must close by the end of %(last)s. To keep it open longer, move the cycle's "
                              "dates first.")) % values,
    }
    return {field: messages[field] for field in exc.fields}


class CouncilBallotController(Controller):
    path = "/council/ballots"
    guards = [requires_council]
    include_in_schema = False

    async def _form_page(self, form: dict[str, Any], errors: forms.Errors, ballot: BallotView | None = None,
                         status: int = 200) -> Template:
        cycles = await service.cycles()
        hoods = await active_neighborhoods()
        cycle_id = int(form["cycle_id"]) if str(form.get("cycle_id", "")).isdigit() else None
        fund = str(form.get("fund", ""))
        chosen = cycle_id is not None and (fund == "city" or fund.isdigit())
        eligible = await service.eligible_proposals(cycle_id, None if fund == "city" else int(fund)) if chosen \
            else []  # type: ignore[arg-type]
        others = [b for b in await service.list_ballots() if ballot is None or b.id != ballot.id]
        return Template("ballots/council/form.html", status_code=status, context={
            "form": form, "errors": errors, "ballot": ballot, "cycles": cycles, "neighborhoods": hoods,
            "chosen": chosen, "eligible": eligible, "rules": RULES,
            "other_ballots": sorted(others, key=lambda b: (b.cycle_name, b.title)),
        })

    @get("/", name="ballots.controllers.council.list")
    async def list_page(self) -> Template:
        return Template("ballots/council/list.html", context={
            "ballots": await service.list_ballots(), "counted": await counting.counted_ballots(),
            "published": set(await results.ballots_with_results()),
        })

    @get("/new", name="ballots.controllers.council.new")
    async def new(self, cycle_id: FromQuery[str | None] = None, fund: FromQuery[str | None] = None) -> Template:
        form = {"cycle_id": cycle_id or "", "fund": fund or "", "max_ranks": "3", "min_ranks": "1", "rule": "mes",
                "candidates": []}
        return await self._form_page(form, {})

    async def _parse(self, request: Request[Any, Any, Any]) -> tuple[Any, forms.Errors, dict[str, Any]]:
        raw = await forms.read_form_lists(request)
        form: dict[str, Any] = {k: v[-1] if v else "" for k, v in raw.items()}
        form["candidates"] = raw.get("candidates", [])
        cycles = {int(c["id"]) for c in await service.cycles()}  # type: ignore[call-overload]
        hoods = {h.id for h in await active_neighborhoods()}
        fund = form.get("fund", "")
        eligible: set[int] = set()
        if str(form.get("cycle_id", "")).isdigit() and (fund == "city" or str(fund).isdigit()):
            eligible = {c.proposal_id for c in await service.eligible_proposals(
                int(form["cycle_id"]), None if fund == "city" else int(fund))}
        ballot_ids = {b.id for b in await service.list_ballots()}
        settings, errors = parse_settings(raw, cycles, hoods, eligible, ballot_ids)
        return settings, errors, form

    @post("/new", name="ballots.controllers.council.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        settings, errors, form = await self._parse(request)
        if errors:
            return await self._form_page(form, errors, status=400)
        try:
            ballot_id = await service.create_ballot(settings, request.user.id)
        except service.OutsideVotingPhase as exc:
            return await self._form_page(form, voting_phase_errors(exc), status=400)
        except (service.SharedCandidates, service.BadDecisionOrder) as exc:
            return await self._form_page(form, one_fund_errors(exc), status=400)
        flash(request, _("Ballot “%(title)s” created.", title=settings.title), "success")
        return see_other(f"/council/ballots/{ballot_id}")

    @staticmethod
    async def _manage_page(ballot: BallotView, form: dict[str, Any], errors: forms.Errors,
                           status: int = 200) -> Template:
        return Template("ballots/council/manage.html", status_code=status, context={
            "ballot": ballot, "changes": await service.changes(ballot.id),
            "batches": await service.code_batches(ballot.id), "turnout": await service.turnout(ballot.id),
            "sheets": await service.paper_sheets(ballot.id),
            # What to do next once voting has closed: count, publish, or correct.
            "count": await counting.latest_count(ballot.id) if ballot.state == "closed" else None,
            "publication": await results.get_publication(ballot.id) if ballot.state == "closed" else None,
            "form": form, "errors": errors,
        })

    @get("/{ballot_id:int}", name="ballots.controllers.council.manage")
    async def manage(self, ballot_id: FromPath[int]) -> Template:
        ballot = await load_ballot(ballot_id)
        return await self._manage_page(ballot, {"closes_at": clock.local_input_value(ballot.closes_at)}, {})

    @get("/{ballot_id:int}/edit", name="ballots.controllers.council.edit")
    async def edit(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                   cycle_id: FromQuery[str | None] = None, fund: FromQuery[str | None] = None) -> Template | Redirect:
        ballot = await load_ballot(ballot_id)
        if ballot.state != "upcoming":
            flash(request, _("Voting on this ballot has opened, so its settings can no longer change. Only the "
                             "closing time can be moved later."), "warning")
            return see_other(f"/council/ballots/{ballot_id}")
        form = settings_form(ballot)
        if cycle_id and fund:
            form.update(cycle_id=cycle_id, fund=fund, candidates=[])
        return await self._form_page(form, {}, ballot)

    @post("/{ballot_id:int}/edit", name="ballots.controllers.council.update")
    async def update(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id)
        settings, errors, form = await self._parse(request)
        if not errors:
            try:
                await service.update_ballot(ballot_id, settings, request.user.id)
            except service.BallotLocked:
                errors["form"] = _("Voting on this ballot has opened (or the new opening time is in the past), so "
                                   "its settings can no longer change. Only the closing time can be moved later.")
                return await self._form_page(form, errors, ballot, status=409)
            except service.OutsideVotingPhase as exc:
                return await self._form_page(form, voting_phase_errors(exc), ballot, status=400)
            except (service.SharedCandidates, service.BadDecisionOrder) as exc:
                return await self._form_page(form, one_fund_errors(exc), ballot, status=400)
            flash(request, _("Ballot “%(title)s” updated.", title=settings.title), "success")
            return see_other(f"/council/ballots/{ballot_id}")
        return await self._form_page(form, errors, ballot, status=400)

    @post("/{ballot_id:int}/extend", name="ballots.controllers.council.extend")
    async def extend(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id)
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        closes_at = parse_datetime(form, "closes_at", errors)
        if closes_at is not None:
            try:
                await service.extend_ballot(ballot_id, closes_at, request.user.id)
            except service.NotExtendable:
                errors["closes_at"] = _("The new closing time must be later than the current one, and a closed "
                                        "ballot cannot be reopened.")
            except service.OutsideVotingPhase as exc:
                errors.update(voting_phase_errors(exc))
        if errors:
            return await self._manage_page(ballot, form, errors, status=400)
        flash(request, _("Voting now closes later. The change is logged."), "success")
        return see_other(f"/council/ballots/{ballot_id}")

    @post("/{ballot_id:int}/codes", name="ballots.controllers.council.codes")
    async def codes(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Response[str]:
        ballot = await load_ballot(ballot_id)
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        count = forms.integer(form, "count", errors, minimum=1, maximum=service.MAX_CODES_PER_BATCH)
        label = forms.text(form, "label", errors, max_length=120, required=False)
        if errors or count is None:
            return await self._manage_page(ballot, form, errors, status=400)
        plain = await service.generate_codes(ballot_id, count, label)
        if form.get("format") == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["ballot", "code", "label"])
            writer.writerows([ballot.title, code, label] for code in plain)
            return Response(out.getvalue(), media_type="text/csv", headers={
                **NO_STORE, "Content-Disposition": f'attachment; filename="ballot-{ballot_id}-codes.csv"'})
        return Template("ballots/council/codes.html", headers=NO_STORE,
                        context={"ballot": ballot, "codes": plain, "label": label})

    async def _paper_page(self, ballot: BallotView, form: dict[str, Any], errors: forms.Errors,
                          status: int = 200) -> Template:
        return Template("ballots/council/paper.html", status_code=status, context={
            "ballot": ballot, "form": form, "errors": errors, "sheets": await service.paper_sheets(ballot.id),
            "bands": [b[0] for b in AGE_BANDS],
        })

    @get("/{ballot_id:int}/paper", name="ballots.controllers.council.paper")
    async def paper(self, ballot_id: FromPath[int]) -> Template:
        return await self._paper_page(await load_ballot(ballot_id), {}, {})

    @post("/{ballot_id:int}/paper", name="ballots.controllers.council.paper_enter")
    async def paper_enter(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id)
        raw = await forms.read_form_lists(request)
        form: dict[str, Any] = {k: v[-1] if v else "" for k, v in raw.items()}
        errors: forms.Errors = {}
        sheet_ref = forms.text(form, "sheet_ref", errors, max_length=40)
        ranking, _bad = ranking_from_form(raw)
        if not errors:
            try:
                outcome = await service.enter_paper(ballot_id, request.user.id, sheet_ref, ranking,
                                                    form.get("age_band", ""))
            except service.InvalidRanking as exc:
                errors["rank_1"] = " ".join(exc.messages)
            except service.SameStaff:
                errors["sheet_ref"] = _("You entered this sheet already. The second entry must be made by another "
                                        "staff member.")
            except service.SheetClosed:
                errors["sheet_ref"] = _("This sheet is already confirmed or waiting for review.")
            except service.NotOpen:
                errors["form"] = _("Paper ballots can be entered only while voting is open.")
            else:
                messages = {
                    "pending": _("Sheet %(ref)s entered. It counts once another staff member enters it the same way.",
                                 ref=sheet_ref),
                    "confirmed": _("Sheet %(ref)s confirmed: both entries agree and the ballot now counts.",
                                   ref=sheet_ref),
                    "mismatch": _("Sheet %(ref)s does not match the first entry. It is flagged for review and does "
                                  "not count.", ref=sheet_ref),
                }
                flash(request, messages[outcome], "warning" if outcome == "mismatch" else "success")
                return see_other(f"/council/ballots/{ballot_id}/paper")
        return await self._paper_page(ballot, form, errors, status=400)

    @post("/{ballot_id:int}/paper/{sheet_id:int}/discard", name="ballots.controllers.council.paper_discard")
    async def paper_discard(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                            sheet_id: FromPath[int]) -> Redirect:
        if not await service.discard_sheet(ballot_id, sheet_id):
            raise NotFoundException()
        flash(request, _("Both entries of the sheet were discarded. Enter the sheet again, twice."), "success")
        return see_other(f"/council/ballots/{ballot_id}/paper")
