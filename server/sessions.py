"""Server-side sessions whose id changes at sign-in.

Litestar's server-side backend keeps whatever session id the browser sent, so an attacker who
planted an id before sign-in would share the signed-in session (session fixation). A handler calls
`rotate_session(request)`; when the response is written, the old id is deleted and a new one issued.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

log = logging.getLogger("townsquare.sessions")

_ROTATE = "townsquare.rotate_session"
_NEW_ID = "townsquare.new_session_id"
_LOADED = "townsquare.loaded_session"
# The day (proleptic ordinal) a session was last written. An unchanged session is not written
# again on every response (one database write per page view); writing it once a day still slides
# its expiry (store entry and cookie) forward for people who keep using it.
_WRITTEN_ON = "_day"


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

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        if data:
            connection.scope.setdefault("state", {})[_LOADED] = self.serialize_data(data, connection.scope)
        return data

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
        if isinstance(scope_session, dict) and set(scope_session) <= {_WRITTEN_ON}:
            scope_session = {}  # only our own bookkeeping left (say, a flash message was shown): empty
        if not scope_session and not state.get(_ROTATE):
            # Anonymous visitors have an empty session: storing it would cost a database write per
            # page view and hand out cookies nobody needs.
            if old_id:
                await super().store_in_message(Empty, message, connection)
            return
        if isinstance(scope_session, dict):
            today = dt.date.today().toordinal()
            if scope_session.get(_WRITTEN_ON) != today:
                scope_session = {**scope_session, _WRITTEN_ON: today}
            elif (not state.get(_ROTATE) and old_id
                  and self.serialize_data(scope_session, connection.scope) == state.get(_LOADED)):
                return  # unchanged since it was read, and already written today
        if state.get(_ROTATE) and old_id:
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]
