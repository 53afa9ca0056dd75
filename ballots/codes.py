"""Access codes and receipts: making them, reading them back as typed, and hashing them (no I/O).

Both use an unambiguous alphabet of 31 characters: digits 2-9 and capital letters without I, L and
O (nothing that reads like 0 or 1). An access code is 10 characters shown as two groups of five
(ABCDE-FGH23): 31^10 ≈ 8 × 10^14 possibilities, about 49 bits, with entry rate-limited per client.
A receipt is 16 characters in four groups of four: about 79 bits, never guessable.
Only HMAC-SHA256 hashes keyed with the ballot's own random salt are stored, so a copied database
does not give working codes, and the same code on two ballots hashes differently."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_GROUP = 5
RECEIPT_LENGTH = 16
RECEIPT_GROUP = 4
# What people mistype for a letter that is not in the alphabet.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I"})


def new_salt() -> str:
    return secrets.token_hex(32)


def _random(length: int) -> str:
    # One uniform draw below 31^length written in base 31: the same distribution as a
    # secrets.choice per character, with one call to the system's random source instead of one per
    # character (a receipt is made on every ballot cast, issue 21).
    number = secrets.randbelow(len(ALPHABET) ** length)
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(chars)


def group(raw: str, size: int) -> str:
    return "-".join(raw[i:i + size] for i in range(0, len(raw), size))


def new_code() -> str:
    """A fresh access code, grouped for reading aloud: 'ABCDE-FGH23'."""
    return group(_random(CODE_LENGTH), CODE_GROUP)


def new_receipt() -> str:
    return group(_random(RECEIPT_LENGTH), RECEIPT_GROUP)


def normalize(typed: str) -> str:
    """What was typed, without spaces or dashes, in capitals: 'abcde fgh23' -> 'ABCDEFGH23'."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def sheet_ref(typed: str) -> str:
    """A paper sheet's reference as stored, so that one sheet typed as 'a-12', 'A 12' or 'A12' (or
    with Arabic-Indic digits) is one sheet: letters in capitals, digits as ASCII, nothing else."""
    out = []
    for ch in unicodedata.normalize("NFKC", typed or ""):
        if ch.isdigit():
            out.append(str(unicodedata.digit(ch)))
        elif ch.isalpha():
            out.append(ch.upper())
    return "".join(out)


def looks_valid(normalized: str, length: int) -> bool:
    return len(normalized) == length and all(ch in ALPHABET for ch in normalized)


def digest(salt: str, typed: str) -> str:
    """The stored form of a code or receipt: HMAC-SHA256(salt, normalized text), hex."""
    return hmac.new(salt.encode(), normalize(typed).encode(), hashlib.sha256).hexdigest()
