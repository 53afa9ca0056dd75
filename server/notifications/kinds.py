"""What each kind of notification says. Domains register their kinds at import time; the text is
rendered when read, in the reader's language, from the stored subject and actor."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from server.i18n import gettext

# kind -> English message with %(subject)s and %(actor)s placeholders, translated at render time.
_MESSAGES: dict[str, str] = {}
# (address pattern, guard, placeholder): see register_subject_guard.
SubjectGuard = Callable[[list[int], int], Awaitable[set[int]]]
_GUARDS: list[tuple[re.Pattern[str], SubjectGuard, str]] = []


def register_subject_guard(url_pattern: str, guard: SubjectGuard, placeholder: str) -> None:
    """A notification keeps the title of what it is about (a proposal's, say) to say it when read.
    When the item is later hidden or otherwise closed to its reader, the text must stop naming it:
    notifications whose url matches `url_pattern` at its start (one group: the item's id) are
    said with `placeholder` (English, marked with N_, translated when read) as their subject unless
    `guard(ids, recipient_id)` returns their id. The owning domain's visibility rule decides."""
    _GUARDS.append((re.compile(url_pattern), guard, placeholder))


async def readable_subjects(rows: list[tuple[int, str, str]], recipient_id: int) -> dict[int, str]:
    """For (notification id, url, stored subject) rows of one recipient: the subject to say, per id."""
    out = {nid: subject for nid, _url, subject in rows}
    for pattern, guard, placeholder in _GUARDS:
        about: dict[int, list[int]] = {}
        for nid, url, _subject in rows:
            if (match := pattern.match(url or "")) is not None:
                about.setdefault(int(match.group(1)), []).append(nid)
        if not about:
            continue
        allowed = await guard(sorted(about), recipient_id)
        for item_id, nids in about.items():
            if item_id not in allowed:
                for nid in nids:
                    out[nid] = gettext(placeholder)
    return out


def register_kind(kind: str, message: str) -> None:
    """`message` must also appear as a literal in a gettext call (or be marked with `N_`) so that
    the extractor puts it in the catalogs."""
    _MESSAGES[kind] = message


def N_(message: str) -> str:
    return message


def render(kind: str, subject: str, actor: str) -> str:
    message = _MESSAGES.get(kind)
    if message is None:
        return subject
    return gettext(message, subject=subject, actor=actor)


register_kind("welcome", N_("Welcome to Townsquare, %(actor)s. Your neighborhood's safety fund starts here."))
