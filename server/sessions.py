"""Server-side sessions whose id changes at sign-in.

Litestar's server-side backend keeps whatever session id the browser sent, so an attacker who
planted an id before sign-in would share the signed-in session (session fixation). A handler calls
`rotate_session(request)`; when the response is written, the old id is deleted and a new one issued.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

log = logging.getLogger("townsquare.sessions")

_ROTATE = "townsquare.rotate_session"
_NEW_ID = "townsquare.new_session_id"


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.scope.setdefault("state", {})[_ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        state = connection.scope.get("state", {})
        if state.get(_ROTATE):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            return state[_NEW_ID]
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        # The response's real work (a cast ballot, a saved proposal) is already committed when the
        # session is written. A session store failure (SQLite "database is locked" under heavy write
        # contention) must not turn that success into a 500 that hides, say, a voter's receipt:
        # log it and send the response; at worst the browser keeps its previous session.
        try:
            await self._store(scope_session, message, connection)
        except Exception:
            log.exception("could not write the session; the response is sent without it")

    async def _store(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        state = connection.scope.get("state", {})
        old_id = connection.cookies.get(self.config.key)
        if old_id == "null":
            old_id = None
        if not scope_session and not state.get(_ROTATE):
            # Anonymous visitors have an empty session: storing it would cost a database write per
            # page view and hand out cookies nobody needs.
            if old_id:
                await super().store_in_message(Empty, message, connection)
            return
        if state.get(_ROTATE) and old_id:
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]
