"""Verification pages: where to get verified (public), matching oneself on the roll (account page),
the desk where staff and partners verify in person, and the council's roll and partners page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from server import clock, forms
from server.accounts.controllers import account_page
from server.guards import requires_confirmed, requires_council, requires_not_blocked, requires_partner_or_council
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.verification import roll, service
from server.verification.schemas import DeskAccount, parse_in_person, parse_partner, parse_roll_match
from server.web import see_other

# A roll of a whole city as CSV: ~40 bytes a row.
MAX_ROLL_BYTES = 16 * 1024 * 1024
# Failed self-matches an account may make per day (the "roll_match" limiter, server/domain.py): enough
# for typos, far too few to guess someone else's number.
ROLL_MATCH_LIMITER = "roll_match"


class VerificationController(Controller):
    include_in_schema = False

    @get("/verification", name="verification.about")
    async def about(self) -> Template:
        return Template("verification/about.html", context={
            "organisations": await service.organisations(), "roll_available": await service.roll_available()})

    @post("/account/roll-match", name="verification.roll_match", guards=[requires_not_blocked, requires_confirmed])
    async def roll_match(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        viewer = request.user
        data, errors = parse_roll_match(form, clock.today())
        limiter = request.app.state[ROLL_MATCH_LIMITER]
        bucket = f"rollmatch:account:{viewer.id}"
        if data is not None and await limiter.exhausted(bucket):
            errors["identifier"] = _("Too many attempts that did not match today. Please try again tomorrow, "
                                     "or ask council staff or a partner organisation to verify you in person.")
        elif data is not None:
            try:
                await service.match_self(viewer.id, data.identifier, data.birth_year)
            except service.NoMatch:
                await limiter.allow(bucket)
                errors["identifier"] = _("This identifier and year of birth do not match an entry on the roll. "
                                         "Check them against your card or letter.")
            except service.AlreadyClaimed:
                errors["identifier"] = _("This entry on the roll already verifies another account. If that is "
                                         "not you, please contact council staff.")
            else:
                flash(request, _("You are verified: your neighborhood and year of birth now come from the roll."),
                      "success")
                return see_other("/account")
        # The identifier is kept for correcting a typo, on this page only (the answer is not stored).
        return await account_page(viewer, match=form, match_errors=errors, status=400)

    @get("/verify", name="verification.desk", guards=[requires_partner_or_council])
    async def desk(self, email: FromQuery[str | None] = None) -> Template:
        found = await service.desk_account(email) if email else None
        form: dict[str, str] = {"email": email or ""}
        if found is not None:
            form |= {"neighborhood_id": str(found.neighborhood_id), "birth_year": str(found.birth_year)}
        return await _desk_page(form, {}, found, searched=bool(email))

    @post("/verify", name="verification.verify", guards=[requires_partner_or_council])
    async def verify(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        hoods = await active_neighborhoods()
        data, errors = parse_in_person(form, {h.id for h in hoods}, clock.today())
        found = await service.desk_account(form.get("email", "")) if form.get("email") else None
        if data is not None:
            try:
                account = await service.verify_in_person(data.email, data.neighborhood_id, data.birth_year,
                                                         request.user.id)
            except service.UnknownAccount:
                errors["email"] = _("No resident's account has this e-mail address.")
            else:
                flash(request, _("%(name)s is verified.", name=account.display_name), "success")
                return see_other("/verify")
        return await _desk_page(form, errors, found, searched=True, status=400)

    @get("/council/verification", name="verification.council", guards=[requires_council])
    async def council(self) -> Template:
        return await _council_page()

    @post("/council/verification/roll", name="verification.import_roll", guards=[requires_council],
          request_max_body_size=MAX_ROLL_BYTES + 64 * 1024)
    async def import_roll(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        raw = await request.form()
        upload = raw.get("roll")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _council_page(roll_errors=[roll.RowError(0, "", _("Please choose a CSV file."))])
        content = await upload.read()
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return await _council_page(roll_errors=[roll.RowError(0, "", _(
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."))])
        rows, errors = roll.parse_roll(text, await service.neighborhood_names(), clock.today().year,
                                       service.roll_key())
        if not errors:
            try:
                result = await service.import_roll(rows, request.user.id, upload.filename)
            except service.RollConflict as exc:
                errors = exc.errors
            else:
                flash(request, _("The roll is imported: %(added)s added, %(unchanged)s already on it.",
                                 added=result.added, unchanged=result.unchanged), "success")
                return see_other("/council/verification")
        return await _council_page(roll_errors=errors)

    @post("/council/partners", name="verification.add_partner", guards=[requires_council])
    async def add_partner(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_partner(form)
        if data is not None:
            try:
                await service.add_partner(data.email, data.organisation, request.user.id)
            except service.UnknownAccount:
                errors["email"] = _("No account has this e-mail address. The person makes an account first.")
            except service.NotPartner:
                errors["email"] = _("This is a staff or moderator account: partners use an account of their own.")
            else:
                flash(request, _("%(organisation)s is a partner now.", organisation=data.organisation), "success")
                return see_other("/council/verification")
        return await _council_page(partner=form, partner_errors=errors)

    @post("/council/partners/{account_id:int}/remove", name="verification.remove_partner", guards=[requires_council])
    async def remove_partner(self, request: Request[Any, Any, Any], account_id: FromPath[int]) -> Redirect:
        try:
            await service.remove_partner(account_id, request.user.id)
        except service.NotPartner:
            flash(request, _("This account is not a partner."), "error")
        else:
            flash(request, _("The partner role is removed. Their verifications stay valid."), "success")
        return see_other("/council/verification")


async def _desk_page(form: dict[str, str], errors: forms.Errors, found: DeskAccount | None, *,
                     searched: bool, status: int = 200) -> Template:
    return Template("verification/desk.html", status_code=status, context={
        "form": form, "errors": errors, "found": found, "searched": searched,
        "neighborhoods": await active_neighborhoods()})


async def _council_page(*, roll_errors: list[roll.RowError] | None = None, partner: dict[str, str] | None = None,
                        partner_errors: forms.Errors | None = None) -> Template:
    return Template("verification/council.html", status_code=400 if roll_errors or partner_errors else 200, context={
        "roll": await service.roll_status(), "roll_errors": roll_errors or [], "partners": await service.partners(),
        "partner": partner or {}, "partner_errors": partner_errors or {}, "log": await service.staff_log(),
        "columns": roll.COLUMNS})
