"""Sign up, sign in, sign out, the account page and the language switcher."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from server import clock, forms, interrupted
from server.accounts import confirmation_service, service
from server.accounts.confirmation_controllers import send_link_task
from server.accounts.moves import move_refusal
from server.accounts.schemas import check_password, parse_details, parse_sign_in, parse_sign_up
from server.current_user import LANG_COOKIE, SESSION_USER_KEY, SESSION_VERSION_KEY, Viewer
from server.follows import followed_by
from server.forms import read_form
from server.guards import requires_not_blocked, requires_signed_in
from server.i18n import LOCALES
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.redirects import safe_path
from server.sessions import rotate_session
from server.verification import service as verification
from server.web import client_id, is_htmx, see_other


def start_session(request: Request[Any, Any, Any], viewer: Viewer) -> None:
    session = request.scope.get("session")
    kept = session.get(interrupted.KEY) if isinstance(session, dict) else None
    rotate_session(request)
    request.set_session({SESSION_USER_KEY: viewer.id, SESSION_VERSION_KEY: viewer.session_version,
                         **({interrupted.KEY: kept} if kept else {})})


async def account_page(viewer: Viewer, *, form: dict[str, str] | None = None, errors: forms.Errors | None = None,
                       details: dict[str, str] | None = None, details_errors: forms.Errors | None = None,
                       match: dict[str, str] | None = None, match_errors: forms.Errors | None = None,
                       status: int = 200) -> Template:
    """The account page: the password form (`form`, `errors`), the details form (`details`, which
    starts as the account's own values) and matching oneself on the eligibility roll (`match`)."""
    return Template("accounts/account.html", status_code=status, context={
        "form": form or {}, "errors": errors or {}, "neighborhoods": await active_neighborhoods(),
        "details": details if details is not None else {
            "display_name": viewer.display_name, "neighborhood_id": str(viewer.neighborhood_id),
            "email_notifications": "yes" if viewer.email_notifications else ""},
        "details_errors": details_errors or {},
        "verification": await verification.current_verification(viewer.id),
        "roll_available": await verification.roll_available(),
        "match": match or {}, "match_errors": match_errors or {},
    })


def verified_move_refusal() -> str:
    return _("Your neighborhood was verified, so it changes only through a new verification: match "
             "yourself on the eligibility roll again, or ask council staff or a partner organisation.")


class AccountController(Controller):
    tags = ["accounts"]
    include_in_schema = False

    @get("/signup", name="accounts.signup_form")
    async def signup_form(self) -> Template:
        return Template(
            "accounts/signup.html",
            context={"form": {}, "errors": {}, "neighborhoods": await active_neighborhoods()},
        )

    @post("/signup", name="accounts.signup")
    async def signup(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        hoods = await active_neighborhoods()
        data, errors = parse_sign_up(form, {h.id for h in hoods}, clock.today())
        throttles: service.Throttles = request.app.state.throttles
        if data is not None and not (
            await throttles.sign_up_client.allow(f"signup:client:{client_id(request)}")
            and await throttles.sign_up_account.allow(f"signup:account:{data.email}")
        ):
            errors["form"] = _("Too many sign-up attempts from here recently. Please try again later.")
        if data is not None and not errors:
            try:
                viewer = await service.sign_up(data)
            except service.EmailTaken:
                errors["email"] = _("An account with this email already exists. Try signing in instead.")
            else:
                start_session(request, viewer)
                flash(request, _("Welcome, %(name)s! Your account is ready. To take part, open the link we "
                                 "sent to %(email)s.", name=viewer.display_name, email=viewer.email), "success")
                response = see_other(safe_path(form.get("next")))
                response.background = send_link_task(request, await confirmation_service.new_link(viewer.id))
                return response
        form.pop("password", None)
        form.pop("password_confirm", None)
        form["next"] = safe_path(form.get("next"))
        return Template(
            "accounts/signup.html",
            context={"form": form, "errors": errors, "neighborhoods": hoods},
            status_code=200 if is_htmx(request) else 400,
        )

    @get("/signin", name="accounts.signin_form")
    async def signin_form(self, next: FromQuery[str | None] = None) -> Template:
        return Template("accounts/signin.html", context={"form": {"next": safe_path(next)}, "errors": {}})

    @post("/signin", name="accounts.signin")
    async def signin(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        data, errors = parse_sign_in(form)
        status = 400
        if data is not None:
            result = await service.sign_in(data, client_id(request), request.app.state.throttles)
            if result.viewer is not None:
                start_session(request, result.viewer)
                return see_other(safe_path(form.get("next")))
            if result.throttled:
                status = 429
                errors["form"] = _("Too many failed attempts. Please wait a minute and try again.")
            else:
                errors["form"] = _("That email and password do not match an account.")
        form.pop("password", None)
        form["next"] = safe_path(form.get("next"))
        return Template("accounts/signin.html", context={"form": form, "errors": errors}, status_code=status)

    @post("/signout", name="accounts.signout")
    async def signout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return see_other("/")

    @get("/account/following", name="accounts.following", guards=[requires_signed_in])
    async def following(self, request: Request[Any, Any, Any]) -> Template:
        return Template("accounts/following.html", context={"items": await followed_by(request.user.id)})

    @get("/account", name="accounts.page", guards=[requires_signed_in])
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        return await account_page(request.user)

    # Not for blocked accounts: the name is shown with everything they wrote.
    @post("/account/details", name="accounts.details", guards=[requires_not_blocked])
    async def save_details(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        viewer: Viewer = request.user
        data, errors = parse_details(form, {h.id for h in await active_neighborhoods()})
        moving = data is not None and data.neighborhood_id != viewer.neighborhood_id
        if moving and viewer.verified:
            errors["neighborhood_id"] = verified_move_refusal()
            form = {**form, "neighborhood_id": str(viewer.neighborhood_id)}
        elif moving and (refusal := await move_refusal(viewer.id, data.neighborhood_id)) is not None:  # type: ignore[union-attr]
            errors["neighborhood_id"] = refusal
            # The move did not happen: the list shows where the person still is, not the refused choice.
            form = {**form, "neighborhood_id": str(viewer.neighborhood_id)}
        if data is None or errors:
            return await account_page(viewer, details=form, details_errors=errors, status=400)
        try:
            await service.update_profile(viewer.id, data.display_name, data.neighborhood_id, data.email_notifications)
        except service.VerifiedDetails:
            errors["neighborhood_id"] = verified_move_refusal()
            form = {**form, "neighborhood_id": str(viewer.neighborhood_id)}
            return await account_page(viewer, details=form, details_errors=errors, status=400)
        flash(request, _("Your details are saved."), "success")
        return see_other("/account")

    @post("/account/password", name="accounts.change_password", guards=[requires_signed_in])
    async def change_password(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        errors: dict[str, str] = {}
        new = check_password(form, "new_password", errors)
        if new and form.get("new_password_confirm") != new:
            errors["new_password_confirm"] = _("The two passwords do not match.")
        viewer = None
        if not errors:
            viewer = await service.change_password(request.user.id, form.get("current_password", ""), new)
            if viewer is None:
                errors["current_password"] = _("That is not your current password.")
        if errors:
            return await account_page(request.user, errors=errors, status=400)
        assert viewer is not None
        start_session(request, viewer)  # the new session version: other devices are now signed out
        flash(request, _("Your password has been changed. You are signed out on your other devices."), "success")
        return see_other("/account")

    @post("/language", name="accounts.language")
    async def set_language(self, request: Request[Any, Any, Any]) -> Redirect:
        form = await read_form(request)
        locale = form.get("locale", "")
        response = see_other(safe_path(form.get("next")))
        if locale in LOCALES:
            response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                                secure=request.app.state.settings.https)
            if request.user is not None:
                await service.set_locale(request.user.id, locale)
        return response
