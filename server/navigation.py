"""Links in the site header. Domains declare theirs in their manifest; each link says who sees it."""

from __future__ import annotations

from typing import Any

import msgspec
from markupsafe import Markup

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


# The header's list items per (registry, language, role, links marked current): a few dozen in all.
_ITEMS: dict[tuple[int, str, str | None, tuple[int, ...]], tuple[object, Markup]] = {}


def nav_items(request: Any) -> Markup:
    """The header's `<li>` links, the ones whose section holds this page marked `aria-current`: the
    same HTML the template wrote per link, made once per language, role and current section. Every
    page has the header, and it was a tenth of a small page's CPU (issue 21)."""
    links = nav_links(request)
    path = request.scope.get("root_path", "") + request.scope["path"]  # what request.url.path reads
    current = tuple(i for i, link in enumerate(links) if link.href != "/" and path.startswith(link.href))
    user = request.scope.get("user")
    domains = registry()
    key = (id(domains), get_locale(), user.role if user else None, current)
    cached = _ITEMS.get(key)
    if cached is None or cached[0] is not domains:
        cached = _ITEMS[key] = (domains, Markup("\n" + " " * 10).join(  # indented as in base.html
            Markup('<li><a href="{}"{}>{}</a></li>').format(
                link.href, Markup(' aria-current="page"') if i in current else "", link.label)
            for i, link in enumerate(links)))
    return cached[1]


def N_(message: str) -> str:
    return message
