"""What each kind of notification says. Domains declare their kinds in their manifest (kind ->
English message); the text is rendered when read, in the reader's language, from the stored subject
and actor."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from server.domains import registry
from server.i18n import gettext


@dataclass(frozen=True)
class SubjectGuard:
    """A notification keeps the title of what it is about (a proposal's, say) to say it when read.
    When the item is later hidden or otherwise closed to its reader, the text must stop naming it:
    notifications whose url matches `url_pattern` at its start (one group: the item's id) are said
    with `placeholder` (English, marked with N_, translated when read) as their subject unless
    `guard(ids, recipient_id)` returns their id. The owning domain's visibility rule decides; its
    manifest declares the guard (`subject_guards`)."""

    url_pattern: str
    guard: Callable[[list[int], int], Awaitable[set[int]]]
    placeholder: str


async def readable_subjects(rows: list[tuple[int, str, str]], recipient_id: int) -> dict[int, str]:
    """For (notification id, url, stored subject) rows of one recipient: the subject to say, per id."""
    out = {nid: subject for nid, _url, subject in rows}
    for spec in registry().subject_guards:
        pattern = re.compile(spec.url_pattern)
        about: dict[int, list[int]] = {}
        for nid, url, _subject in rows:
            if (match := pattern.match(url or "")) is not None:
                about.setdefault(int(match.group(1)), []).append(nid)
        if not about:
            continue
        allowed = await spec.guard(sorted(about), recipient_id)
        for item_id, nids in about.items():
            if item_id not in allowed:
                for nid in nids:
                    out[nid] = gettext(spec.placeholder)
    return out


def N_(message: str) -> str:
    """Marks a kind's message for the catalogs (the extractor looks for N_); translated when read."""
    return message


def render(kind: str, subject: str, actor: str) -> str:
    message = registry().notification_messages.get(kind)
    if message is None:
        return subject
    return gettext(message, subject=subject, actor=actor)


HOST_KINDS = {"welcome": N_("Welcome to Townsquare, %(actor)s. Your neighborhood's safety fund starts here.")}
