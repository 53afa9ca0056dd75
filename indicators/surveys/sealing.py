"""Sealed survey responses (no I/O): while a survey is open, each response is one AES-GCM ciphertext
padded to a length fixed per survey, under a key derived from SECRET_KEY and the survey's random
salt (HKDF-SHA256), bound to the survey. The same construction as ballots/sealing.py, with a key of
its own (another HKDF `info`), so a survey's key never opens a ballot or the other way round."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"townsquare-survey-seal-v1"
NONCE_BYTES = 12
MAX_TEXT = 1000  # characters of one free-text answer


class KeyMismatch(Exception):
    """The responses were sealed with another SECRET_KEY."""


class Payload(msgspec.Struct, frozen=True, array_like=True):
    """A response: answers by question id (a list of option indexes or Likert points, or a text),
    and the groups it is counted in (kept only as counts after close)."""

    answers: dict[str, list[int] | str]
    neighborhood: str
    age_band: str
    language: str
    channel: str  # "online" or "paper"


class Keys(msgspec.Struct, frozen=True):
    aead: bytes
    check: str


def new_salt() -> str:
    return os.urandom(32).hex()


@functools.lru_cache(maxsize=256)
def keys_for(secret_key: str, salt: str) -> Keys:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=bytes.fromhex(salt), info=VERSION).derive(
        secret_key.encode())
    return Keys(material[:32], hmac.new(material[32:], b"key-check", hashlib.sha256).hexdigest())


def padded_length(question_sizes: list[tuple[str, int]]) -> int:
    """Room for the longest possible response: (kind, number of options) per question. Text is
    counted at 4 bytes a character (the most UTF-8 needs)."""
    size = 160
    for kind, options in question_sizes:
        size += 16 + (4 * MAX_TEXT + 8 if kind == "text" else 9 * max(options, 1))
    return size


def _aad(survey_id: int) -> bytes:
    return VERSION + b":" + str(survey_id).encode()


def seal(keys: Keys, survey_id: int, payload: Payload, size: int) -> bytes:
    plain = msgspec.msgpack.encode(payload)
    if len(plain) > size:
        raise ValueError("response longer than its padded size")
    padded = len(plain).to_bytes(4, "big") + plain + bytes(size - len(plain))
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(keys.aead).encrypt(nonce, padded, _aad(survey_id))


def unseal(keys: Keys, survey_id: int, sealed: bytes) -> Payload:
    raw = bytes(sealed)
    try:
        plain = AESGCM(keys.aead).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(survey_id))
    except InvalidTag as exc:
        raise KeyMismatch(survey_id) from exc
    return msgspec.msgpack.decode(plain[4:4 + int.from_bytes(plain[:4], "big")], type=Payload)
