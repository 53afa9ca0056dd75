"""Sealed ballots: the cryptography that keeps a cast ballot unreadable while voting is open (no I/O).

While a ballot is open, everything about each cast ballot (ranking, origin, age band, the day, the
fingerprint its receipt will have in the published file, a tag of the voter's credential) is one
AES-GCM ciphertext padded to a length fixed per ballot, so neither the content nor the length of a
stored row says anything. Keys come from SECRET_KEY and the ballot's own random `seal_salt` through
HKDF-SHA256; without SECRET_KEY a sealed row is noise. See ballots/DESIGN.md for the threat model.

Three different functions of a receipt exist, on purpose:
- `lookup_tag`: HMAC under a key derived from SECRET_KEY, stored in plain beside the sealed row while
  voting is open so the receipt check can find it. Without SECRET_KEY it predicts nothing.
- `fingerprint`: SHA-256 of a documented text, published in the .pb after the count so anyone can
  find their ballot offline with the standard library. It is stored only inside the ciphertext while
  voting is open, so no copy taken then holds anything that equals it.
- the voter tag: HMAC of the voter's credential (account or access code), inside the ciphertext only,
  checked when someone asks to replace a ballot.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Callable

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots import codes

VERSION = b"townsquare-ballot-seal-v1"
NONCE_BYTES = 12
# The published fingerprint: the first FINGERPRINT_HEX hexadecimal characters of
# sha256("townsquare-receipt:{ballot id}:{RECEIPT}"), RECEIPT in capitals without dashes or spaces.
FINGERPRINT_PREFIX = "townsquare-receipt"
FINGERPRINT_HEX = 20


class KeyMismatch(Exception):
    """The sealed ballots were made with another SECRET_KEY."""


class BallotKeys(msgspec.Struct, frozen=True):
    aead: bytes
    lookup: bytes
    voter: bytes
    check: str


class Payload(msgspec.Struct, frozen=True, array_like=True):
    """What a sealed row holds. `voter` is empty for paper ballots (nobody can replace them)."""

    ranking: list[int]
    origin: str
    age_band: str
    day: str
    fingerprint: str
    voter: str


def new_seal_salt() -> str:
    return os.urandom(32).hex()


@functools.lru_cache(maxsize=4096)
def keys_for(secret_key: str, seal_salt: str) -> BallotKeys:
    """Three independent keys and a key-check value for one ballot (HKDF-SHA256, RFC 5869)."""
    material = HKDF(algorithm=hashes.SHA256(), length=128, salt=bytes.fromhex(seal_salt),
                    info=VERSION).derive(secret_key.encode())
    aead, lookup, voter, check = material[:32], material[32:64], material[64:96], material[96:]
    # The check value is an HMAC of a constant under its own derived key: it tells whether SECRET_KEY
    # is the one the ballots were sealed with, and reveals nothing about the other three keys.
    return BallotKeys(aead, lookup, voter, hmac.new(check, b"key-check", hashlib.sha256).hexdigest())


def lookup_tag(keys: BallotKeys, receipt: str) -> str:
    return hmac.new(keys.lookup, codes.normalize(receipt).encode(), hashlib.sha256).hexdigest()


def voter_tag(keys: BallotKeys, kind: str, ident: int) -> str:
    """`kind` is "account" or "code"; `ident` the account's or access code's id. 128 bits of the
    HMAC: enough that nobody guesses another voter's tag, short enough to keep sealed rows small."""
    return hmac.new(keys.voter, f"{kind}:{ident}".encode(), hashlib.sha256).hexdigest()[:32]


def fingerprint(ballot_id: int, receipt: str) -> str:
    """The receipt's fingerprint as published in the ballot's .pb file (see README, "Find my ballot")."""
    text = f"{FINGERPRINT_PREFIX}:{ballot_id}:{codes.normalize(receipt)}"
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_HEX]


def padded_length(max_ranks: int) -> int:
    """Every payload of a ballot is padded to this many bytes: room for the longest ranking (ids up
    to 2**63, 9 bytes each in MessagePack) and the longest strings, so the ciphertext's length never
    tells how many projects were ranked."""
    return 128 + 9 * max_ranks


def _aad(ballot_id: int) -> bytes:
    # Bound to the ballot, so a sealed row copied to another ballot does not open.
    return VERSION + b":" + str(ballot_id).encode()


_ENCODER = msgspec.msgpack.Encoder()


@functools.lru_cache(maxsize=256)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def seal(keys: BallotKeys, ballot_id: int, payload: Payload, max_ranks: int) -> bytes:
    """nonce (12 bytes) + AES-GCM(2-byte length + MessagePack payload + zero padding)."""
    plain = _ENCODER.encode(payload)
    size = padded_length(max_ranks)
    if len(plain) > size:
        raise ValueError("ballot payload longer than its padded size")
    padded = len(plain).to_bytes(2, "big") + plain + bytes(size - len(plain))
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _cipher(keys.aead).encrypt(nonce, padded, _aad(ballot_id))


def unseal(keys: BallotKeys, ballot_id: int, sealed: bytes) -> Payload:
    return unsealer(keys, ballot_id)(sealed)


def unsealer(keys: BallotKeys, ballot_id: int) -> Callable[[bytes], Payload]:
    """`unseal` for many rows of one ballot, with the cipher and decoder made once."""
    from cryptography.exceptions import InvalidTag

    cipher = _cipher(keys.aead)
    aad = _aad(ballot_id)
    decoder = msgspec.msgpack.Decoder(Payload)

    def open_one(sealed: bytes) -> Payload:
        raw = bytes(sealed)  # a memoryview from some drivers
        try:
            plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise KeyMismatch(ballot_id) from exc
        return decoder.decode(plain[2:2 + int.from_bytes(plain[:2], "big")])

    return open_one
