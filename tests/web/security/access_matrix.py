"""Who may reach every route of the app: the table tests/web/security/test_access_matrix.py checks.

Keyed by (method, path template exactly as Litestar reports it, e.g.
"/council/neighborhoods/{neighborhood_id:int}/rename").
Each entry says, per role, what must happen when that role sends the request (unsafe methods carry a
valid CSRF token, so the guard decides):

    ALLOW   the handler ran (any status below 500 that is not one of the others)
    SIGNIN  303 redirect to /signin
    DENY    403 (the "not allowed" page, not the CSRF page)
    MISSING 404: only where a role legitimately cannot see an object that exists (say why)

Routes with path parameters name a `params` factory: `async (world, role) -> {"name": value}` that
creates the object the request is about (in the test's database) and returns the path parameters.
`world` (a World below) holds the signed-in accounts of each role and a neighborhood.

Adding a route? Add its line here. A route missing from this table fails the test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from server.current_user import Viewer

ALLOW, SIGNIN, DENY, MISSING = "allow", "signin", "deny", "404"
ROLES = ("anonymous", "resident", "blocked", "moderator", "council")


@dataclass
class World:
    """What the access test sets up once: one account per role (None for anonymous), a neighborhood."""

    accounts: dict[str, Viewer | None]
    neighborhood_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    def account(self, role: str) -> Viewer | None:
        return self.accounts.get(role)

    def someone(self, role: str) -> Viewer:
        """The role's own account, or the resident's for anonymous requests."""
        return self.accounts.get(role) or self.accounts["resident"]  # type: ignore[return-value]


Params = Callable[[World, str], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Access:
    anonymous: str
    resident: str
    moderator: str
    council: str
    blocked: str | None = None  # a blocked resident; None = same as resident
    params: Params | None = None
    form: dict[str, str] = field(default_factory=dict)  # body for unsafe methods (the CSRF token is added)
    note: str = ""

    def expected(self, role: str) -> str:
        if role == "blocked":
            return self.blocked or self.resident
        return getattr(self, role)


def access(anonymous: str, resident: str, moderator: str, council: str, **kwargs: Any) -> Access:
    return Access(anonymous, resident, moderator, council, **kwargs)


PUBLIC = access(ALLOW, ALLOW, ALLOW, ALLOW)
SIGNED_IN = access(SIGNIN, ALLOW, ALLOW, ALLOW)
MODERATORS = access(SIGNIN, DENY, ALLOW, ALLOW)
COUNCIL = access(SIGNIN, DENY, DENY, ALLOW)
# Publishing routes (requires_not_blocked): signed-in people may post unless their account is blocked.
PUBLISHERS = access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY)


# ---------------------------------------------------------------- parameter factories

async def new_neighborhood(world: World, role: str) -> dict[str, Any]:
    from support import make_neighborhood

    return {"neighborhood_id": await make_neighborhood()}


async def own_notification(world: World, role: str) -> dict[str, Any]:
    """A notification addressed to whoever asks (to the resident when nobody is signed in)."""
    from server.notifications.tables import Notification

    recipient = world.someone(role)
    rows = await Notification.insert(
        Notification(recipient=recipient.id, kind="welcome", actor="Test", url="/")
    ).returning(Notification.id)
    return {"notification_id": rows[0]["id"]}


# ---------------------------------------------------------------- the table

MATRIX: dict[tuple[str, str], Access] = {
    # host pages
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    # accounts
    ("GET", "/signup"): PUBLIC,
    ("POST", "/signup"): PUBLIC,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("POST", "/signout"): PUBLIC,
    ("POST", "/language"): access(ALLOW, ALLOW, ALLOW, ALLOW, form={"locale": "es", "next": "/"}),
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    # neighborhoods (council)
    ("GET", "/council/neighborhoods"): COUNCIL,
    ("POST", "/council/neighborhoods"): COUNCIL,
    ("POST", "/council/neighborhoods/{neighborhood_id:int}/rename"): access(
        SIGNIN, DENY, DENY, ALLOW, params=new_neighborhood),
    ("POST", "/council/neighborhoods/{neighborhood_id:int}/retire"): access(
        SIGNIN, DENY, DENY, ALLOW, params=new_neighborhood),
    # notifications (each person's own)
    ("GET", "/notifications"): SIGNED_IN,
    ("POST", "/notifications/read-all"): SIGNED_IN,
    ("POST", "/notifications/{notification_id:int}/open"): access(SIGNIN, ALLOW, ALLOW, ALLOW,
                                                                   params=own_notification),
}
