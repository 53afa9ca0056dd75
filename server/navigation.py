"""Links in the site header. Domains register theirs; each link says who sees it."""

from __future__ import annotations

from typing import Any

import msgspec

from server.i18n import gettext


class NavItem(msgspec.Struct, frozen=True):
    href: str
    label: str  # English source text, translated when shown
    order: int = 50
    roles: tuple[str, ...] = ()  # empty: everyone, signed in or not


class NavLink(msgspec.Struct, frozen=True):
    href: str
    label: str


_ITEMS: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(existing.href != item.href for existing in _ITEMS):
        _ITEMS.append(item)


def nav_links(request: Any) -> list[NavLink]:
    user = request.scope.get("user")
    role = user.role if user else None
    return [
        NavLink(item.href, gettext(item.label))
        for item in sorted(_ITEMS, key=lambda i: i.order)
        if not item.roles or role in item.roles
    ]


def N_(message: str) -> str:
    return message


register_nav(NavItem("/council/neighborhoods", N_("Neighborhoods"), order=90, roles=("council",)))
