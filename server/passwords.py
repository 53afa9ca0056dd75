"""Password hashing with argon2id, run in a worker thread: one hash takes long enough at the
library's defaults to stall every other request if it ran on the event loop."""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults follow RFC 9106's second recommendation (argon2id, 64 MiB, 3 passes).
PRODUCTION = PasswordHasher()
_hasher = PRODUCTION

# Verified against when the email is unknown, so a wrong email costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def use_hasher(hasher: PasswordHasher) -> None:
    """Only the test suite calls this: it creates well over a thousand accounts, and at production
    cost hashing alone took minutes of the run. The served app always uses PRODUCTION."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not a real password, only for timing")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
