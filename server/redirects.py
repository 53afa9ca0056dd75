"""Where people are sent back to: the one check for every return address a request carries.

A `next=` field, a form's hidden return path or a Referer header is typed by whoever made the link,
so a careless check turns the site into a bouncer for phishing (`/signin?next=//evil.example`).
Browsers are generous with what they read as "another host": they treat a backslash as a slash,
drop tabs and newlines anywhere in a URL, and a proxy or a later redirect may decode `%2F` and `%5C`
before they look. So a return address is accepted only when it is, and stays after decoding, a path
on this site: one leading slash, then neither a second slash nor a backslash, no control characters
or whitespace, no scheme or host. Anything else falls back to a safe page chosen by the caller.

Pure: no I/O, no framework imports."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

# Long enough for any page with its filters; anything longer is not a link we made.
MAX_LENGTH = 2000
# Decoding stops after this many rounds; an address still changing by then is refused.
_DECODE_ROUNDS = 3


def _path_part(target: str) -> str:
    for mark in ("?", "#"):
        target = target.split(mark, 1)[0]
    return target


# Control characters, space, DEL, and whatever else str.isspace() calls whitespace (re's \s on str
# patterns is the same Unicode test). A search in C: the per-character generator it replaces was a
# fifteenth of a signed-in draft page's CPU, with a dozen links checked per page (issue 21).
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f\s]")


def _unprintable(text: str) -> bool:
    return _UNPRINTABLE.search(text) is not None


def _looks_local(target: str, *, raw: bool) -> bool:
    """The raw address carries no whitespace or control character at all (a browser drops tabs and
    newlines, joining what they separated); a decoded one may, but only in its query (a search for
    "street lights" decodes to a space there)."""
    path = _path_part(target)
    if not path.startswith("/") or path[1:2] in ("/", "\\") or "\\" in path:
        return False
    if _unprintable(target if raw else path):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@lru_cache(maxsize=4096)  # pages check the same few links on every render
def is_safe_path(target: str | None) -> bool:
    """Whether `target` may be used as a return address: a path on this site, however decoded."""
    if not target or len(target) > MAX_LENGTH or "\\" in target:
        return False
    current = target
    for round_ in range(_DECODE_ROUNDS):
        if not _looks_local(current, raw=round_ == 0):
            return False
        decoded = unquote(current)
        if decoded == current:
            return True
        current = decoded
    return False


def safe_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a same-site path (see is_safe_path), else `default`."""
    return target if target is not None and is_safe_path(target) else default


def path_of_referer(referer: str | None, host: str, default: str = "/") -> str:
    """The same-site path a Referer header points to (with its query), else `default`. Only a
    Referer naming this very host counts: the browser sends a full URL, never a bare path."""
    if not referer:
        return default
    try:
        parts = urlsplit(referer)
    except ValueError:
        return default
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return default
    path = parts.path or "/"
    return safe_path(path + (f"?{parts.query}" if parts.query else ""), default)
