"""The access code a browser is voting with, kept in a signed cookie rather than the session (issue 21).

A code voter's steps (vote page, ranking, review, cast) used to read the server-side session on
every request and write it twice: four of the 28 SQL statements of a cast. The cookie holds the
ballot, the code's row id (never the code), the age band the voter gave and an expiry, signed with
HMAC-SHA256 under a key derived from SECRET_KEY, so it cannot be forged or moved to another
ballot. It is httponly and cleared when the ballot is cast. Pure: no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import msgspec

NAME = "townsquare_ballot_code"
MAX_AGE = 4 * 3600  # long enough to read every project at leisure, short enough on a shared computer


class CodeBinding(msgspec.Struct, frozen=True, array_like=True):
    ballot: int
    code: int
    band: str
    expires: int  # Unix time


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"townsquare ballot code cookie", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret_key: str, binding: CodeBinding) -> str:
    payload = msgspec.json.encode(binding)
    mac = hmac.new(_key(secret_key), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(secret_key: str, value: str | None, now: float) -> CodeBinding | None:
    """The binding a cookie value carries, or None if it is missing, forged, altered or expired."""
    if not value or value.count(".") != 1:
        return None
    payload_text, mac_text = value.split(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, hmac.new(_key(secret_key), payload, hashlib.sha256).digest()):
        return None
    try:
        binding = msgspec.json.decode(payload, type=CodeBinding)
    except msgspec.ValidationError:
        return None
    return binding if binding.expires > now else None
