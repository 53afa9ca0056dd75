"""Confirming an e-mail address: the link from the e-mail, and sending a new one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from server.accounts import confirmation, confirmation_service
from server.accounts.service import Throttles
from server.guards import requires_signed_in
from server.i18n import gettext as _
from server.i18n import using_locale
from server.mail import Mail, Mailer
from server.web import see_other

# The token is in the address: keep these pages out of caches and browser history stores.
NO_STORE = {"Cache-Control": "no-store"}


def confirm_mail(link: confirmation_service.ConfirmLink, url: str, fallback_locale: str) -> Mail:
    """The e-mail, in the account's own language (else the language of the page it was asked from)."""
    with using_locale(link.locale or fallback_locale):
        return Mail(to=link.email, subject=_("Confirm your e-mail address for Townsquare"), body=_(
            "Hello %(name)s,\n\n"
            "To comment, support proposals, propose and vote on Townsquare, please confirm that this "
            "address is yours by opening this link within %(hours)s hours:\n\n%(url)s\n\n"
            "If you did not make an account, you can ignore this e-mail.\n",
            name=link.display_name, url=url, hours=int(confirmation.VALID_FOR.total_seconds() // 3600)))


def send_link_task(request: Request[Any, Any, Any], link: confirmation_service.ConfirmLink | None
                   ) -> BackgroundTask | None:
    """The e-mail goes out after the response (a slow mail server does not hold the page)."""
    if link is None:
        return None
    settings = request.app.state.settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    mail = confirm_mail(link, f"{base}/account/confirm/{link.token}", request.state.locale)
    mailer: Mailer = request.app.state.mailer
    return BackgroundTask(mailer.send, mail)


class ConfirmationController(Controller):
    path = "/account/confirm"
    include_in_schema = False

    @get("/", name="accounts.confirm_page", guards=[requires_signed_in])
    async def page(self) -> Template:
        return Template("accounts/confirm.html")

    @post("/", name="accounts.confirm_resend", guards=[requires_signed_in])
    async def resend(self, request: Request[Any, Any, Any]) -> Redirect:
        throttles: Throttles = request.app.state.throttles
        viewer = request.user
        if viewer.confirmed:
            return see_other("/account/confirm")
        # The same hourly limit per account as password reset e-mails: nobody floods a mailbox.
        if not await throttles.reset_account.allow(f"confirm:account:{viewer.id}"):
            flash(request, _("We sent several links in the last hour. Please look for them in your e-mail, "
                             "or try again later."), "error")
            return see_other("/account/confirm")
        task = send_link_task(request, await confirmation_service.new_link(viewer.id))
        flash(request, _("We sent a new link to %(email)s.", email=viewer.email), "success")
        response = see_other("/account/confirm")
        response.background = task
        return response

    @get("/{token:str}", name="accounts.confirm_form")
    async def confirm_form(self, token: FromPath[str]) -> Template:
        # A button, not a confirmation on opening: mail scanners open links too.
        if not await confirmation_service.link_works(token):
            return Template("accounts/confirm_expired.html", status_code=410, headers=NO_STORE)
        return Template("accounts/confirm_link.html", context={"token": token}, headers=NO_STORE)

    @post("/{token:str}", name="accounts.confirm")
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        if await confirmation_service.confirm(token) is None:
            return Template("accounts/confirm_expired.html", status_code=410, headers=NO_STORE)
        flash(request, _("Thank you: your e-mail address is confirmed. You can now take part."), "success")
        return see_other("/account" if request.user is not None else "/")
