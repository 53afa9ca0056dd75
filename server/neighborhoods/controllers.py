"""Council pages for managing neighborhoods."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from server import forms
from server.guards import requires_council
from server.i18n import gettext as _
from server.neighborhoods import service


class NeighborhoodController(Controller):
    path = "/council/neighborhoods"
    guards = [requires_council]
    include_in_schema = False

    async def _page(self, errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                    status: int = 200) -> Template:
        return Template(
            "neighborhoods/manage.html",
            context={"neighborhoods": await service.all_neighborhoods(), "errors": errors or {},
                     "form": form or {}},
            status_code=status,
        )

    @get("/", name="neighborhoods.manage")
    async def manage(self) -> Template:
        return await self._page()

    @post("/", name="neighborhoods.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        name = forms.text(form, "name", errors, max_length=120, min_length=2)
        if not errors:
            try:
                await service.create_neighborhood(name)
            except service.NameTaken:
                errors["name"] = _("A neighborhood with this name already exists.")
        if errors:
            return await self._page(errors, form, 400)
        flash(request, _("Neighborhood “%(name)s” created.", name=name), "success")
        return Redirect("/council/neighborhoods", status_code=HTTP_303_SEE_OTHER)

    @post("/{neighborhood_id:int}/rename", name="neighborhoods.rename")
    async def rename(self, request: Request[Any, Any, Any], neighborhood_id: FromPath[int]) -> Template | Redirect:
        if await service.get_neighborhood(neighborhood_id) is None:
            raise NotFoundException()
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        name = forms.text(form, "name", errors, max_length=120, min_length=2)
        if not errors:
            try:
                await service.rename_neighborhood(neighborhood_id, name)
            except service.NameTaken:
                errors["name"] = _("A neighborhood with this name already exists.")
        if errors:
            errors = {f"rename_{neighborhood_id}": errors["name"]}
            return await self._page(errors, {f"rename_{neighborhood_id}": form.get("name", "")}, 400)
        flash(request, _("Neighborhood renamed to “%(name)s”.", name=name), "success")
        return Redirect("/council/neighborhoods", status_code=HTTP_303_SEE_OTHER)

    @post("/{neighborhood_id:int}/retire", name="neighborhoods.retire")
    async def retire(self, request: Request[Any, Any, Any], neighborhood_id: FromPath[int]) -> Redirect:
        hood = await service.get_neighborhood(neighborhood_id)
        if hood is None:
            raise NotFoundException()
        form = await forms.read_form(request)
        retire = form.get("retire") != "0"
        await service.set_retired(neighborhood_id, retire)
        flash(request, _("“%(name)s” retired.", name=hood.name) if retire
              else _("“%(name)s” restored.", name=hood.name), "success")
        return Redirect("/council/neighborhoods", status_code=HTTP_303_SEE_OTHER)
