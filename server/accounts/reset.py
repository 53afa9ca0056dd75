"""Password reset links: the token and the rules for when it still works. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

# Long enough to find the email on a phone a little later, short enough that a link forwarded
# or left in an inbox soon stops working.
VALID_FOR = dt.timedelta(hours=1)


def new_token() -> tuple[str, str]:
    """(the token for the link, the hash to store). 32 random bytes: unguessable, so a fast hash
    is enough; argon2 would only slow down the check."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expires_at(created: dt.datetime) -> dt.datetime:
    return created + VALID_FOR


def usable(expires: dt.datetime, used: dt.datetime | None, now: dt.datetime) -> bool:
    """A link works once, and only until it expires."""
    return used is None and now < expires


def looks_like_token(token: str) -> bool:
    """What new_token makes: 43 URL-safe characters. Anything else is not looked up at all."""
    return len(token) == 43 and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)
