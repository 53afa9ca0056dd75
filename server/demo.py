"""Demo data for `make run`: a small city with staff, residents and youth, and whatever each domain
adds. Each domain declares its steps in its manifest (`demo_steps`); they run in the order of the
domain list and share a DemoContext so later steps can use what earlier ones made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from server import clock
from server.accounts.service import create_user
from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood

DEMO_PASSWORD = "townsquare-demo"

NEIGHBORHOODS = ["Riverside", "Hillcrest", "Old Town", "Eastgate"]

# key -> (display name, email, neighborhood, birth year, role)
ACCOUNTS = {
    "council": ("Dana Okafor (Council)", "council@demo.townsquare.example", "Riverside", 1979, "council"),
    "council2": ("Luis Ortega (Council)", "council2@demo.townsquare.example", "Hillcrest", 1985, "council"),
    "moderator": ("Sam Reyes (Moderator)", "moderator@demo.townsquare.example", "Old Town", 1990, "moderator"),
    "resident": ("Amira Haddad", "resident@demo.townsquare.example", "Riverside", 1988, "resident"),
    "neighbor": ("Tom Becker", "neighbor@demo.townsquare.example", "Riverside", 1961, "resident"),
    "hillcrest": ("Grace Liu", "grace@demo.townsquare.example", "Hillcrest", 1995, "resident"),
    "youth": ("Jordan Kim", "youth@demo.townsquare.example", "Riverside", 2010, "resident"),
    "oldtown": ("Mei Chen", "mei@demo.townsquare.example", "Old Town", 1983, "resident"),
}


@dataclass
class DemoContext:
    accounts: dict[str, int] = field(default_factory=dict)
    neighborhoods: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    # Lines printed after loading (sign-ins, access codes): what a new user needs to try things out.
    notes: list[str] = field(default_factory=list)


DemoStep = tuple[str, Callable[[DemoContext], Awaitable[None]]]


async def _neighborhoods(ctx: DemoContext) -> None:
    for name in NEIGHBORHOODS:
        rows = await Neighborhood.insert(Neighborhood(name=name)).returning(Neighborhood.id)
        ctx.neighborhoods[name] = rows[0]["id"]


async def _accounts(ctx: DemoContext) -> None:
    for key, (name, email, hood, year, role) in ACCOUNTS.items():
        viewer = await create_user(name, email, DEMO_PASSWORD, hood, year, role)
        ctx.accounts[key] = viewer.id
    # The demo city's people have been here a while (a new account's reports weigh less, see
    # proposals/moderation/rules.py).
    await Account.update({Account.created_at: clock.now() - dt.timedelta(days=400)}).where(
        Account.id.is_in(list(ctx.accounts.values())))
    ctx.notes.append(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for name, email, _hood, _year, role in ACCOUNTS.values():
        ctx.notes.append(f"  {role:<10} {email:<40} {name}")


def demo_steps() -> list[DemoStep]:
    """The host's steps: neighborhoods, accounts, then verification (which needs both)."""
    from server.verification.demo import DEMO_STEPS as VERIFICATION

    return [("Neighborhoods", _neighborhoods), ("Accounts", _accounts), *VERIFICATION]


async def database_is_empty() -> bool:
    return not await Account.exists()


def all_steps() -> list[DemoStep]:
    from server.domains import registry

    return list(registry().demo_steps)


async def load_demo(progress: Callable[[str], None] = print) -> DemoContext:
    ctx = DemoContext()
    steps = all_steps()
    for index, (label, step) in enumerate(steps, start=1):
        progress(f"[{index}/{len(steps)}] {label}…")
        await step(ctx)
    return ctx
