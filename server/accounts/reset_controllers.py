"""Forgotten passwords: ask for a link by email, then choose a new password with it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from server import forms
from server.accounts import reset, reset_service
from server.accounts.controllers import start_session
from server.accounts.schemas import check_password
from server.accounts.service import Throttles
from server.i18n import gettext as _
from server.i18n import using_locale
from server.mail import Mail, Mailer
from server.web import client_id, see_other

# The token is in the address: keep these pages out of caches and browser history stores.
NO_STORE = {"Cache-Control": "no-store"}


def reset_mail(link: reset_service.ResetLink, url: str, fallback_locale: str) -> Mail:
    """The email, in the account's own language (else the language of the page it was asked from)."""
    with using_locale(link.locale or fallback_locale):
        return Mail(to=link.email, subject=_("Choose a new password for Townsquare"), body=_(
            "Hello %(name)s,\n\n"
            "Someone, hopefully you, asked to choose a new password for your Townsquare account. "
            "To choose one, open this link within %(minutes)s minutes:\n\n%(url)s\n\n"
            "The link works once. If you did not ask for this, you can ignore this email: "
            "your password stays as it is.\n",
            name=link.display_name, url=url, minutes=int(reset.VALID_FOR.total_seconds() // 60)))


class PasswordResetController(Controller):
    path = "/password"
    include_in_schema = False

    @get("/forgot", name="accounts.forgot_form")
    async def forgot_form(self) -> Template:
        return Template("accounts/forgot.html", context={"form": {}, "errors": {}})

    @post("/forgot", name="accounts.forgot")
    async def forgot(self, request: Request[Any, Any, Any]) -> Template:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        email = forms.email(form, "email", errors).lower()
        throttles: Throttles = request.app.state.throttles
        if not errors and not await throttles.reset_client.allow(f"reset:client:{client_id(request)}"):
            errors["form"] = _("Too many requests from here recently. Please try again in an hour.")
        if errors:
            return Template("accounts/forgot.html", context={"form": form, "errors": errors}, status_code=400)
        background = None
        # Over the per-address limit, the answer is the same but no email goes out: otherwise the
        # form could flood someone's inbox, and a different answer would say the address has an account.
        if await throttles.reset_account.allow(f"reset:account:{email}"):
            link = await reset_service.request_reset(email)
            if link is not None:
                settings = request.app.state.settings
                base = settings.public_url or str(request.base_url).rstrip("/")
                mail = reset_mail(link, f"{base}/password/reset/{link.token}", request.state.locale)
                mailer: Mailer = request.app.state.mailer
                background = BackgroundTask(mailer.send, mail)
        return Template("accounts/forgot_sent.html", context={"email": email}, background=background)

    @get("/reset/{token:str}", name="accounts.reset_form")
    async def reset_form(self, token: FromPath[str]) -> Template:
        if not await reset_service.link_works(token):
            return Template("accounts/reset_expired.html", status_code=410, headers=NO_STORE)
        return Template("accounts/reset.html", context={"token": token, "errors": {}}, headers=NO_STORE)

    @post("/reset/{token:str}", name="accounts.reset")
    async def reset(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        new = check_password(form, "new_password", errors)
        if new and form.get("new_password_confirm") != new:
            errors["new_password_confirm"] = _("The two passwords do not match.")
        if errors:
            return Template("accounts/reset.html", context={"token": token, "errors": errors}, status_code=400,
                            headers=NO_STORE)
        viewer = await reset_service.reset_password(token, new)
        if viewer is None:
            return Template("accounts/reset_expired.html", status_code=410, headers=NO_STORE)
        start_session(request, viewer)
        flash(request, _("Your new password is set and you are signed in. Any other device signed in to "
                         "your account has been signed out."), "success")
        return see_other("/")
