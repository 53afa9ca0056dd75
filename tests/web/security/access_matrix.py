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

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from server import clock
from server.current_user import Viewer
from server.domains import DOMAINS

ALLOW, SIGNIN, DENY, MISSING = "allow", "signin", "deny", "404"
ROLES = ("anonymous", "resident", "blocked", "moderator", "council", "partner", "oversight")


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
    partner: str | None = None  # a community partner (verifies, hands out codes); None = same as resident
    oversight: str | None = None  # an oversight body member (reads concerns routed to it); None = same as resident
    params: Params | None = None
    form: dict[str, str] = field(default_factory=dict)  # body for unsafe methods (the CSRF token is added)
    note: str = ""
    # Authenticated by an API key in the request instead of cookies (Open311 POST): no session is read,
    # so CSRF does not apply; the owning domain's tests check the key.
    api_key: bool = False

    def expected(self, role: str) -> str:
        if role in ("blocked", "partner", "oversight"):
            return getattr(self, role) or self.resident
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


async def reset_link(world: World, role: str) -> dict[str, Any]:
    """A working password reset link for someone else's account (using it is up to the form)."""
    from server.accounts import reset_service

    link = await reset_service.request_reset((await _author(world)).email)
    assert link is not None
    return {"token": link.token}


async def confirm_link(world: World, role: str) -> dict[str, Any]:
    """A working e-mail confirmation link of someone else's new account."""
    from support import make_account

    from server.accounts import confirmation_service

    link = await confirmation_service.new_link((await make_account(confirmed=False)).id)
    assert link is not None
    return {"token": link.token}


async def a_partner(world: World, role: str) -> dict[str, Any]:
    """A partner organisation's account (made by council staff)."""
    from support import make_account

    from server.verification import service

    account = await make_account()
    return {"account_id": await service.add_partner(account.email, "Matrix Youth Club", by=account.id)}


async def _author(world: World) -> Any:
    """A resident who writes what other people act on (made once per world)."""
    from support import make_account

    if "author" not in world.extra:
        world.extra["author"] = await make_account("resident", neighborhood_id=world.neighborhood_id)
    return world.extra["author"]


async def _cycle(phase: str = "ideas") -> int:
    from factories.proposals import make_cycle

    return await make_cycle(phase, name=f"Matrix cycle {phase}")


async def a_cycle(world: World, role: str) -> dict[str, Any]:
    return {"cycle_id": await _cycle()}


async def others_proposal(world: World, role: str) -> dict[str, Any]:
    """A submitted proposal in the ideas phase, by someone else than whoever asks."""
    from factories.proposals import make_proposal

    return {"proposal_id": await make_proposal(await _author(world), await _cycle())}


async def own_proposal(world: World, role: str) -> dict[str, Any]:
    """A submitted proposal in the ideas phase by whoever asks (the resident's for anonymous requests)."""
    from factories.proposals import make_proposal

    return {"proposal_id": await make_proposal(world.someone(role), await _cycle())}


async def proposal_in_review(world: World, role: str) -> dict[str, Any]:
    from factories.proposals import make_proposal

    author = await _author(world)
    cycle = await _cycle("ideas")
    proposal_id = await make_proposal(author, cycle)
    from factories.proposals import move_to_phase

    await move_to_phase(cycle, "review")
    return {"proposal_id": proposal_id}


async def _ballot(world: World, *, closed: bool = False) -> int:
    import datetime as dt

    from factories.ballots import make_voting_cycle, settings_for
    from factories.proposals import make_proposals

    from ballots import service

    now = dt.datetime.now(dt.UTC)
    opens, closes = (now - dt.timedelta(days=8), now - dt.timedelta(days=1)) if closed else (None, None)
    cycle = await make_voting_cycle(f"Matrix ballot cycle {now.timestamp()}", opens=opens, closes=closes, days=10)
    council = world.accounts["council"]
    assert council is not None
    proposals = await make_proposals(cycle, world.neighborhood_id, council.id, [40_000, 30_000, 25_000])
    return await service.create_ballot(settings_for(cycle, None, proposals, opens=opens, closes=closes), council.id)


async def open_ballot(world: World, role: str) -> dict[str, Any]:
    """A city-wide ballot open now (so every signed-in role may vote on it, once)."""
    return {"ballot_id": await _ballot(world)}


async def published_ballot(world: World, role: str) -> dict[str, Any]:
    """A closed ballot, counted, with its result published."""
    from ballots.counting import service as counting
    from ballots.results import service as results

    ballot_id = await _ballot(world, closed=True)
    run = await counting.count_ballot(ballot_id)
    council = world.accounts["council"]
    assert council is not None
    await results.publish(ballot_id, run.id, "The result, as counted.", council.id)
    return {"ballot_id": ballot_id}


async def paper_sheet(world: World, role: str) -> dict[str, Any]:
    from ballots import service

    ballot_id = await _ballot(world)
    council = world.accounts["council"]
    assert council is not None
    ballot = await service.get_ballot(ballot_id)
    assert ballot is not None
    await service.enter_paper(ballot_id, council.id, "SHEET-1", [ballot.candidates[0].proposal_id])
    sheets = await service.paper_sheets(ballot_id)
    return {"ballot_id": ballot_id, "sheet_id": sheets[0].id}


async def _delivery_item(world: World) -> int:
    from factories.proposals import make_cycle, make_proposals

    from delivery.service import create_delivery_items

    council = world.accounts["council"]
    assert council is not None
    cycle = await make_cycle("delivery", name="Matrix delivery cycle")
    [proposal] = await make_proposals(cycle, world.neighborhood_id, council.id, [10_000])
    return (await create_delivery_items(None, [(proposal, 10_000)]))[0]


async def delivery_item(world: World, role: str) -> dict[str, Any]:
    return {"item_id": await _delivery_item(world)}


async def delivery_milestone(world: World, role: str) -> dict[str, Any]:
    import datetime as dt

    from delivery import service

    item_id = await _delivery_item(world)
    milestone_id = await service.add_milestone(item_id, actor_role="council", name="Lamps ordered",
                                               planned_date=clock.today() + dt.timedelta(days=30))
    return {"item_id": item_id, "milestone_id": milestone_id}


async def delivery_photo(world: World, role: str) -> dict[str, Any]:
    """A photo stored where the app under test keeps uploads (the test puts the app in world.extra)."""
    from server import photos

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return {"name": photos.store_photo(world.extra["app"].state.storage, png, "image/png")}


async def _draft(world: World) -> dict[str, Any]:
    """A published draft with one section, an amendment by the author, and a working copy."""
    from factories.drafts import published_draft

    from proposals.drafts import service

    council = world.accounts["council"]
    assert council is not None
    draft_id, [key] = await published_draft(council.id, [("Response times", "Answer within ten days.")])
    amendment_id = await service.propose_amendment((await _author(world)).id, draft_id, key,
                                                   "Answer within five days.", "Ten days is too long.")
    await service.start_new_version(council.id, draft_id)
    [section] = await service.editor_sections(draft_id)
    return {"draft_id": draft_id, "key": key, "section_id": section.id, "amendment_id": amendment_id,
            "number": 1}


async def a_draft(world: World, role: str) -> dict[str, Any]:
    return await _draft(world)


async def _comment(author_id: int, proposal_id: int) -> int:
    """Inserted directly: a blocked person's own comment was written before the block, and the service
    (rightly) refuses new ones."""
    from proposals.threads.tables import Comment

    rows = await Comment.insert(Comment(target_kind="proposal", target_id=proposal_id, author=author_id,
                                        body="Good idea, the path is dark.")).returning(Comment.id)
    return rows[0]["id"]


async def proposal_thread(world: World, role: str) -> dict[str, Any]:
    """The comment thread of a proposal, with one comment by someone else."""
    params = await others_proposal(world, role)
    comment_id = await _comment((await _author(world)).id, params["proposal_id"])
    return {"kind": "proposal", "target_id": params["proposal_id"], "comment_id": comment_id}


async def own_comment(world: World, role: str) -> dict[str, Any]:
    """A comment by whoever asks (the resident's for anonymous requests)."""
    params = await others_proposal(world, role)
    return {"comment_id": await _comment(world.someone(role).id, params["proposal_id"])}


async def others_comment(world: World, role: str) -> dict[str, Any]:
    params = await others_proposal(world, role)
    return {"comment_id": await _comment((await _author(world)).id, params["proposal_id"])}


# ---------------------------------------------------------------- the table

MATRIX: dict[tuple[str, str], Access] = {
    # host pages
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    # accounts
    ("GET", "/signup"): PUBLIC,
    ("POST", "/signup"): PUBLIC,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("POST", "/signout"): PUBLIC,
    ("POST", "/language"): access(ALLOW, ALLOW, ALLOW, ALLOW, form={"locale": "es", "next": "/"}),
    ("GET", "/account"): SIGNED_IN,
    ("GET", "/account/following"): SIGNED_IN,
    # e-mail confirmation: the link is the only key; resending is for one's own account
    ("GET", "/account/confirm"): SIGNED_IN,
    ("POST", "/account/confirm"): SIGNED_IN,
    ("GET", "/account/confirm/{token:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=confirm_link),
    ("POST", "/account/confirm/{token:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=confirm_link),
    # verification (server/verification): matching oneself on the roll publishes nothing, but a
    # blocked account takes no new part; the desk is for partners and council staff
    ("GET", "/verification"): PUBLIC,
    ("POST", "/account/roll-match"): PUBLISHERS,
    ("GET", "/verify"): access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW),
    ("POST", "/verify"): access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW),
    ("GET", "/council/verification"): COUNCIL,
    ("POST", "/council/verification/roll"): COUNCIL,
    ("POST", "/council/partners"): COUNCIL,
    ("POST", "/council/partners/{account_id:int}/remove"): access(SIGNIN, DENY, DENY, ALLOW, params=a_partner),
    # forgotten passwords: anyone may ask for a link; the link is the only key to the reset form
    ("GET", "/password/forgot"): PUBLIC,
    ("POST", "/password/forgot"): access(ALLOW, ALLOW, ALLOW, ALLOW, form={"email": "nobody@example.org"}),
    ("GET", "/password/reset/{token:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=reset_link),
    # A form that fails (no confirmation): a successful reset would sign this client in as the author.
    ("POST", "/password/reset/{token:str}"): access(
        ALLOW, ALLOW, ALLOW, ALLOW, params=reset_link, form={"new_password": "a new passphrase"}),
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/details"): PUBLISHERS,
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

# Each domain describes its own routes, in tests/web/security/access/<domain>.py (read in the order of
# the domain list, so a new domain adds its file and nothing here changes).
MATRIX_BY_DOMAIN: dict[str, dict[tuple[str, str], Access]] = {"server": dict(MATRIX)}
for _name in DOMAINS:
    MATRIX_BY_DOMAIN[_name] = importlib.import_module(f"web.security.access.{_name}").ENTRIES
    MATRIX.update(MATRIX_BY_DOMAIN[_name])
