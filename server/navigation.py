"""Links in the site header. Domains declare theirs in their manifest; each link says who sees it."""

from __future__ import annotations

from typing import Any

import msgspec

from server.domains import registry
from server.i18n import get_locale, gettext


class NavItem(msgspec.Struct, frozen=True):
    href: str
    label: str  # English source text, translated when shown
    order: int = 50
    roles: tuple[str, ...] = ()  # empty: everyone, signed in or not


class NavLink(msgspec.Struct, frozen=True):
    href: str
    label: str


# The header's links per (registry, language, role): every page shows them (issue 21). The registry
# is part of the key because tests install their own.
_LINKS: dict[tuple[int, str, str | None], tuple[object, list[NavLink]]] = {}


def nav_links(request: Any) -> list[NavLink]:
    user = request.scope.get("user")
    role = user.role if user else None
    domains = registry()
    key = (id(domains), get_locale(), role)
    cached = _LINKS.get(key)
    if cached is None or cached[0] is not domains:
        cached = _LINKS[key] = (domains, [
            NavLink(item.href, gettext(item.label))
            for item in domains.navigation
            if not item.roles or role in item.roles
        ])
    return list(cached[1])


def N_(message: str) -> str:
    return message
