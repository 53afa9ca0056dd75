"""Atom 1.0 feeds built from entry providers, a site-wide component every domain can use. A domain
adds entries to a feed by naming a provider in its manifest (delivery updates and result
publications both feed "delivery") without this module or the route changing:

    Domain(..., feed_providers=[("delivery", my_async_provider)])

A provider is `async def provider(limit: int) -> list[FeedEntry]`; the feed merges every
provider's entries, newest first, and keeps `limit`. The XML is written with xml.etree, which
escapes every text and attribute, so residents' and staff's words cannot break the document."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from server.domains import registry

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a permanent IRI, e.g. "tag:townsquare,2026:delivery-update:12"
    title: str
    updated: dt.datetime
    path: str  # site-relative link, made absolute with the site's base URL
    summary: str = ""
    author: str = ""
    category: str = ""


EntryProvider = Callable[[int], Awaitable[list[FeedEntry]]]

# The site's currency while a feed is collected, for providers that write amounts in summaries.
_currency: contextvars.ContextVar[str] = contextvars.ContextVar("feed_currency", default="USD")


def feed_currency() -> str:
    return _currency.get()


def providers(feed: str) -> list[EntryProvider]:
    return list(registry().feed_providers.get(feed, []))


async def collect_entries(feed: str, limit: int = 50, currency: str = "USD") -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    token = _currency.set(currency)
    try:
        for provider in providers(feed):
            entries.extend(await provider(limit))
    finally:
        _currency.reset(token)
    entries.sort(key=lambda e: e.updated, reverse=True)
    return entries[:limit]


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def render_atom(*, feed_id: str, title: str, base_url: str, self_path: str, alternate_path: str,
                entries: list[FeedEntry], generator: str = "Townsquare",
                now: dt.datetime | None = None) -> bytes:
    """A complete Atom document. `updated` is the newest entry's time (or `now` when empty)."""
    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    newest = max((e.updated for e in entries), default=now or dt.datetime.now(dt.UTC))
    _sub(feed, "updated", _stamp(newest))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _sub(feed, "link", rel="alternate", type="text/html", href=base + alternate_path)
    _sub(feed, "generator", generator)
    author = _sub(feed, "author")
    _sub(author, "name", generator)
    for entry in entries:
        node = _sub(feed, "entry")
        _sub(node, "id", entry.id)
        _sub(node, "title", entry.title)
        _sub(node, "updated", _stamp(entry.updated))
        _sub(node, "link", rel="alternate", type="text/html", href=base + entry.path)
        if entry.author:
            _sub(_sub(node, "author"), "name", entry.author)
        if entry.category:
            _sub(node, "category", term=entry.category)
        if entry.summary:
            _sub(node, "summary", entry.summary, type="text")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")).encode()
