"""What each kind of notification says. Domains register their kinds at import time; the text is
rendered when read, in the reader's language, from the stored subject and actor."""

from __future__ import annotations

from server.i18n import gettext

# kind -> English message with %(subject)s and %(actor)s placeholders, translated at render time.
_MESSAGES: dict[str, str] = {}


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
