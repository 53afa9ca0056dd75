"""Links in the site header. Domains declare theirs in their manifest; each link says who sees it."""

from __future__ import annotations

from typing import Any

import msgspec

from server.domains import registry
from server.i18n import gettext


class NavItem(msgspec.Struct, frozen=True):
    href: str
    label: str  # English source text, translated when shown
    order: int = 50
    roles: tuple[str, ...] = ()  # empty: everyone, signed in or not


class NavLink(msgspec.Struct, frozen=True):
    href: str
    label: str


def nav_links(request: Any) -> list[NavLink]:
    user = request.scope.get("user")
    role = user.role if user else None
    return [
        NavLink(item.href, gettext(item.label))
        for item in registry().navigation
        if not item.roles or role in item.roles
    ]


def N_(message: str) -> str:
    return message
