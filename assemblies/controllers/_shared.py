"""What the assemblies controllers share: choices for selects, and turning service refusals into
HTTP errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar.exceptions import NotFoundException, PermissionDeniedException

from assemblies import service
from server import links
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods

T = TypeVar("T")


async def neighborhood_options() -> list[tuple[str, str]]:
    return [("", _("City-wide")), *((str(h.id), h.name) for h in await active_neighborhoods())]


async def neighborhood_ids() -> set[int]:
    return {h.id for h in await active_neighborhoods()}


def link_options() -> list[tuple[str, str]]:
    """The kinds of item a link may point to, as the domains declare them (concerns included once
    that domain is installed)."""
    return [("", _("No link")), *((name, _(spec.label)) for name, spec in links.kinds().items())]


def link_kinds() -> set[str]:
    return set(links.kinds())


def options(labels: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, str(value)) for key, value in labels.items()]


async def run(call: Callable[[], Awaitable[T]]) -> T:
    """Call the service, mapping NotFound and NotAllowed to their pages (Refused passes through)."""
    try:
        return await call()
    except service.NotFound as exc:
        raise NotFoundException() from exc
    except service.NotAllowed as exc:
        raise PermissionDeniedException() from exc
