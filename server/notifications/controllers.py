from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from server.guards import requires_signed_in
from server.notifications import service
from server.redirects import safe_path


class NotificationController(Controller):
    path = "/notifications"
    guards = [requires_signed_in]
    include_in_schema = False

    @get("/", name="notifications.list")
    async def list_page(self, request: Request[Any, Any, Any], page: FromQuery[int] = 1) -> Template:
        return Template("notifications/list.html",
                        context={"notifications": await service.page_for(request.user.id, page)})

    @post("/{notification_id:int}/open", name="notifications.open")
    async def open(self, request: Request[Any, Any, Any], notification_id: FromPath[int]) -> Redirect:
        url = await service.mark_read(request.user.id, notification_id)
        if url is None:
            raise NotFoundException()
        return Redirect(safe_path(url), status_code=HTTP_303_SEE_OTHER)

    @post("/read-all", name="notifications.read_all")
    async def read_all(self, request: Request[Any, Any, Any]) -> Redirect:
        await service.mark_all_read(request.user.id)
        return Redirect("/notifications", status_code=HTTP_303_SEE_OTHER)
