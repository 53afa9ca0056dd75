"""What each kind of notification says. Domains declare their kinds in their manifest (kind ->
English message); the text is rendered when read, in the reader's language, from the stored subject
and actor."""

from __future__ import annotations

from server.domains import registry
from server.i18n import gettext


def N_(message: str) -> str:
    """Marks a kind's message for the catalogs (the extractor looks for N_); translated when read."""
    return message


def render(kind: str, subject: str, actor: str) -> str:
    message = registry().notification_messages.get(kind)
    if message is None:
        return subject
    return gettext(message, subject=subject, actor=actor)


HOST_KINDS = {"welcome": N_("Welcome to Townsquare, %(actor)s. Your neighborhood's safety fund starts here.")}
