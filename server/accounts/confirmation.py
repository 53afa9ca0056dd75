"""E-mail confirmation links: the same token rules as password reset links (server/accounts/reset.py:
random, hashed at rest, working once), with a longer life. No I/O."""

from __future__ import annotations

import datetime as dt

from server.accounts.reset import looks_like_token, new_token, token_hash, usable

__all__ = ["VALID_FOR", "expires_at", "looks_like_token", "new_token", "token_hash", "usable"]

# Longer than a reset link: a new account is often made on a shared or borrowed device, and the
# mailbox read a day later. A lost link costs nothing: the account page sends a new one.
VALID_FOR = dt.timedelta(hours=48)


def expires_at(created: dt.datetime) -> dt.datetime:
    return created + VALID_FOR
