"""The polling booth: council staff or a partner check a voter in (by their account's email, or their
access code) before handing out a paper sheet. Thin: parse, call ballots/booth_service.py, render."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ballots import booth_service, service
from ballots.controllers.voting import NO_STORE, load_ballot, refusal_text
from ballots.schemas import BallotView
from server import forms
from server.guards import requires_partner_or_council
from server.i18n import gettext as _
from server.web import see_other


class BoothController(Controller):
    path = "/booth"
    guards = [requires_partner_or_council]
    include_in_schema = False

    @get("/", name="ballots.booth.list")
    async def list_page(self) -> Template:
        return Template("ballots/booth/list.html", context={"ballots": await booth_service.open_ballots()})

    async def _page(self, request: Request[Any, Any, Any], ballot: BallotView, form: dict[str, str],
                    errors: forms.Errors, status: int = 200) -> Template:
        return Template("ballots/booth/check_in.html", status_code=status, headers=NO_STORE, context={
            "ballot": ballot, "form": form, "errors": errors,
            "mine": await booth_service.my_check_ins(ballot.id, request.user.id),
        })

    @get("/{ballot_id:int}", name="ballots.booth.form")
    async def form(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template:
        return await self._page(request, await load_ballot(ballot_id), {}, {})

    @post("/{ballot_id:int}", name="ballots.booth.check_in")
    async def check_in(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id)
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        by_code = form.get("how") == "code"
        field = "code" if by_code else "email"
        typed = forms.text(form, "code", errors, max_length=40) if by_code else forms.email(form, "email", errors)
        if not errors:
            try:
                if by_code:
                    done = await booth_service.check_in_code(ballot_id, typed, request.user.id)
                else:
                    done = await booth_service.check_in_account(ballot_id, typed, request.user.id)
            except booth_service.VotedOnline:
                errors[field] = _("This person has already voted online on this ballot. Do not hand out a sheet: "
                                  "their vote is counted.")
            except booth_service.AlreadyCheckedIn:
                errors[field] = _("This person was already checked in at a booth and given a sheet. Do not hand "
                                  "out another one.")
            except booth_service.UnknownVoter:
                errors[field] = (_("No access code of this ballot matches. Check it and try again.") if by_code
                                 else _("No account has this email address. Check it, or give them an access "
                                        "code if they have no account."))
            except service.Ineligible as exc:
                errors[field] = refusal_text(exc.refusal, ballot)
            except service.CodeVoided:
                errors[field] = _("This code belongs to a batch that was voided. It no longer votes.")
            except service.CodeMisfit:
                errors[field] = _("This code was issued for an age group this ballot is not for.")
            except service.NotOpen:
                errors["form"] = _("Voting on this ballot is not open.")
            else:
                message = _("Checked in: hand out one paper sheet.")
                if done.age_band:
                    message += " " + _("Tick the age group %(band)s on it.", band=done.age_band)
                flash(request, message, "success")
                return see_other(f"/booth/{ballot_id}")
        return await self._page(request, ballot, form, errors, status=400)
