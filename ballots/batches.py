"""Code batches: who a batch's codes are for, and the code sheet kept for printing (no I/O).

A batch may carry an age window (ages on the voting day, counted as everywhere in ballots: the age
reached in the year voting closes). The code itself then carries eligibility: nobody types a birth
year, so nobody can type a false one. A code may vote on its ballot only when its batch's window lies
inside the ballot's window: a batch with no window of its own (an adult or general batch) cannot vote
on a ballot with an age window, and a youth batch (say 12-17) cannot vote on an adults-only ballot
(18 and over). The ballot's settings can change until voting opens, so this is checked when a batch
is issued and again whenever a code is used.

The plain codes of a batch are kept only as one AES-GCM ciphertext under a key derived from
SECRET_KEY, so that council and the batch's partner can print the sheet again (a printer jams, a
partner prints at their own office). A copy of the database without SECRET_KEY holds no working code,
as before; whoever holds SECRET_KEY could already open the sealed ballots (ballots/DESIGN.md)."""

from __future__ import annotations

import enum
import hashlib
import hmac
import os

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots.eligibility import AGE_BANDS, UNKNOWN_BAND

MAX_AGE = 120
# Batch status: issued (codes exist), requested (after opening, waiting for a second council
# member), voided (lost or stolen: its unused codes stop working), refused (a request withdrawn).
REQUESTED, ISSUED, VOIDED, REFUSED = "requested", "issued", "voided", "refused"


class Window(msgspec.Struct, frozen=True):
    """Ages, inclusive; None: no bound."""

    age_min: int | None = None
    age_max: int | None = None

    @property
    def is_set(self) -> bool:
        return self.age_min is not None or self.age_max is not None


class Misfit(enum.Enum):
    """Why a batch's codes cannot vote on a ballot."""

    NO_WINDOW = "no_window"  # a general batch on a ballot with an age window
    TOO_YOUNG = "too_young"  # the batch reaches below the ballot's minimum age
    TOO_OLD = "too_old"  # the batch reaches above the ballot's maximum age


def misfit(ballot: Window, batch: Window) -> Misfit | None:
    """None when every age the batch's window allows is allowed by the ballot's window."""
    if not ballot.is_set:
        return None
    if not batch.is_set:
        return Misfit.NO_WINDOW
    if ballot.age_min is not None and (batch.age_min is None or batch.age_min < ballot.age_min):
        return Misfit.TOO_YOUNG
    if ballot.age_max is not None and (batch.age_max is None or batch.age_max > ballot.age_max):
        return Misfit.TOO_OLD
    return None


def window_problem(window: Window) -> str | None:
    """"order" when the minimum is above the maximum, "range" outside 0-120; else None."""
    for age in (window.age_min, window.age_max):
        if age is not None and not 0 <= age <= MAX_AGE:
            return "range"
    if window.age_min is not None and window.age_max is not None and window.age_min > window.age_max:
        return "order"
    return None


def band_of(window: Window) -> str:
    """The turnout age band of a batch's voters: the band that holds the whole window, else unknown
    (a window across two bands does not say which one a voter is in)."""
    if not window.is_set:
        return UNKNOWN_BAND
    low = window.age_min if window.age_min is not None else 0
    for key, band_low, band_high in AGE_BANDS:
        top_fits = band_high is None or (window.age_max is not None and window.age_max <= band_high)
        if band_low <= low and top_fits:
            return key
    return UNKNOWN_BAND


# The printable sheet ---------------------------------------------------------------------------

SHEET_VERSION = b"townsquare-code-sheet-v1"
_NONCE = 12


def _sheet_key(secret_key: str, ballot_id: int, number: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=SHEET_VERSION + f":{ballot_id}:{number}".encode()).derive(secret_key.encode())


def seal_sheet(secret_key: str, ballot_id: int, number: int, plain_codes: list[str]) -> bytes:
    """nonce + AES-GCM of the codes, bound to the ballot and batch number."""
    nonce = os.urandom(_NONCE)
    aad = SHEET_VERSION + f":{ballot_id}:{number}".encode()
    body = msgspec.json.encode(plain_codes)
    return nonce + AESGCM(_sheet_key(secret_key, ballot_id, number)).encrypt(nonce, body, aad)


def open_sheet(secret_key: str, ballot_id: int, number: int, sealed: bytes) -> list[str] | None:
    """The codes, or None when there is no sheet or SECRET_KEY is not the one that sealed it."""
    from cryptography.exceptions import InvalidTag

    raw = bytes(sealed or b"")
    if len(raw) <= _NONCE:
        return None
    aad = SHEET_VERSION + f":{ballot_id}:{number}".encode()
    try:
        body = AESGCM(_sheet_key(secret_key, ballot_id, number)).decrypt(raw[:_NONCE], raw[_NONCE:], aad)
    except InvalidTag:
        return None
    return msgspec.json.decode(body, type=list[str])


def typed_code_key(secret_key: str, normalized: str) -> str:
    """The throttle's name for one typed code: an HMAC, so the counters never hold a code."""
    return hmac.new(secret_key.encode(), b"code-attempts:" + normalized.encode(), hashlib.sha256).hexdigest()[:32]
