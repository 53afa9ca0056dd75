"""Thread routes. Every action is a plain form POST answered with 303 to the target's page at
#comment-N; htmx requests (same forms, same URLs) get the re-rendered thread fragment instead."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from proposals.threads import service
from proposals.threads.schemas import ThreadView
from server import forms
from server.guards import requires_confirmed, requires_not_blocked, requires_signed_in
from server.web import is_htmx

FRAGMENT = "threads/_thread.html"


async def _load(kind: str, target_id: int, request: Request[Any, Any, Any], show_all: bool = False) -> ThreadView:
    try:
        return await service.load_thread(kind, target_id, request.user, show_all=show_all)
    except service.NotFound as exc:
        raise NotFoundException() from exc


async def _render(request: Request[Any, Any, Any], kind: str, target_id: int, *, errors: dict[str, str] | None = None,
                  form: dict[str, str] | None = None, error_form: str = "", show_all: bool = False) -> Template:
    thread = await _load(kind, target_id, request, show_all=show_all or bool(errors))
    thread.errors, thread.form, thread.error_form = errors or {}, form or {}, error_form
    if is_htmx(request):
        return Template(FRAGMENT, context={"thread": thread})
    return Template("threads/thread_page.html", context={"thread": thread}, status_code=400 if errors else 200)


def _parent_id(form: dict[str, str]) -> int | None:
    raw = form.get("parent_id", "").strip()
    return int(raw) if raw.isdigit() else None


class ThreadController(Controller):
    path = "/threads"
    include_in_schema = False

    @get("/{kind:str}/{target_id:int}", name="threads.show")
    async def show(self, request: Request[Any, Any, Any], kind: FromPath[str], target_id: FromPath[int],
                   reply_to: FromQuery[int | None] = None) -> Template:
        """The whole thread: the "Show all comments" link (htmx swaps it in place), and the
        no-JS "Reply" link (?reply_to=N opens the reply form under comment N)."""
        thread = await _load(kind, target_id, request, show_all=True)
        thread.reply_to = reply_to
        if is_htmx(request):
            return Template(FRAGMENT, context={"thread": thread})
        return Template("threads/thread_page.html", context={"thread": thread})

    @get("/{kind:str}/{target_id:int}/reply/{comment_id:int}", name="threads.reply_form",
         guards=[requires_not_blocked, requires_confirmed])
    async def reply_form(self, request: Request[Any, Any, Any], kind: FromPath[str], target_id: FromPath[int],
                         comment_id: FromPath[int]) -> Template:
        """The reply form alone, which htmx puts in place of the "Reply" link."""
        thread = await _load(kind, target_id, request)
        try:
            comment = await service.reply_target(kind, target_id, comment_id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Template("threads/_reply_form.html", context={"thread": thread, "comment": comment})

    @post("/{kind:str}/{target_id:int}/comments", name="threads.post",
          guards=[requires_not_blocked, requires_confirmed])
    async def post_comment(self, request: Request[Any, Any, Any], kind: FromPath[str],
                           target_id: FromPath[int]) -> Template | Redirect:
        await _load(kind, target_id, request)  # 404 for a thread this person may not read
        form = await forms.read_form(request)
        parent_id = _parent_id(form)
        error_form = f"reply-{parent_id}" if parent_id else "new"
        try:
            comment_id = await service.post_comment(kind, target_id, request.user.id, form.get("body", ""),
                                                    parent_id=parent_id, stance=form.get("stance", ""))
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.ThreadError as exc:
            return await _render(request, kind, target_id, errors={exc.field: exc.message}, form=form,
                                 error_form=error_form)
        return await self._done(request, kind, target_id, comment_id)

    async def _done(self, request: Request[Any, Any, Any], kind: str, target_id: int,
                    comment_id: int) -> Template | Redirect:
        if is_htmx(request):
            return await _render(request, kind, target_id, show_all=True)
        info = await service.target_info(kind, target_id)
        return Redirect(f"{info.url}#comment-{comment_id}", status_code=303)

    async def _target(self, comment_id: int) -> tuple[str, int]:
        try:
            return await service.comment_target(comment_id)
        except service.NotFound as exc:
            raise NotFoundException() from exc

    @post("/comments/{comment_id:int}/edit", name="threads.edit", guards=[requires_not_blocked, requires_confirmed])
    async def edit(self, request: Request[Any, Any, Any], comment_id: FromPath[int]) -> Template | Redirect:
        kind, target_id = await self._target(comment_id)
        form = await forms.read_form(request)
        try:
            await service.edit_comment(comment_id, request.user.id, form.get("body", ""))
        except service.ThreadError as exc:
            return await _render(request, kind, target_id, errors={exc.field: exc.message}, form=form,
                                 error_form=f"edit-{comment_id}")
        return await self._done(request, kind, target_id, comment_id)

    @post("/comments/{comment_id:int}/delete", name="threads.delete", guards=[requires_signed_in])
    async def delete(self, request: Request[Any, Any, Any], comment_id: FromPath[int]) -> Template | Redirect:
        kind, target_id = await self._target(comment_id)
        try:
            await service.delete_comment(comment_id, request.user.id)
        except service.ThreadError as exc:
            return await _render(request, kind, target_id, errors={"form": exc.message})
        return await self._done(request, kind, target_id, comment_id)

    @post("/comments/{comment_id:int}/vote", name="threads.vote", guards=[requires_not_blocked, requires_confirmed])
    async def vote(self, request: Request[Any, Any, Any], comment_id: FromPath[int]) -> Template | Redirect:
        kind, target_id = await self._target(comment_id)
        try:
            await service.toggle_vote(comment_id, request.user.id)
        except service.ThreadError as exc:
            return await _render(request, kind, target_id, errors={"form": exc.message})
        return await self._done(request, kind, target_id, comment_id)
