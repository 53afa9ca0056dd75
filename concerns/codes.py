"""Follow-up codes for anonymous concerns (no I/O). A code is shown once, like a ballot receipt, in
the same alphabet and grouping (ballots/codes.py); only its SHA-256 hash is stored. The code has
about 79 random bits, so the hash cannot be reversed by trying codes, and a copied database gives no
working code. No salt is needed for that, and without one a typed code finds its case by an index."""

from __future__ import annotations

import hashlib

from ballots import codes as ballot_codes

LENGTH = ballot_codes.RECEIPT_LENGTH


def new_code() -> str:
    return ballot_codes.new_receipt()


def normalize(typed: str) -> str:
    return ballot_codes.normalize(typed)


def looks_valid(typed: str) -> bool:
    return ballot_codes.looks_valid(normalize(typed), LENGTH)


def code_hash(typed: str) -> str:
    return hashlib.sha256(f"townsquare-concern:{normalize(typed)}".encode()).hexdigest()
