"""The served app hashes with argon2id at RFC 9106 cost; the suite's cheaper hasher is a test setting only."""

from __future__ import annotations

from argon2 import Type

from server import passwords


def test_production_hasher_is_argon2id_at_full_cost() -> None:
    hasher = passwords.PRODUCTION
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 65536 and hasher.time_cost >= 3
    hashed = hasher.hash("correct horse battery staple")
    assert hashed.startswith("$argon2id$") and "m=65536" in hashed
    assert hasher.verify(hashed, "correct horse battery staple")


async def test_hashes_verify_and_wrong_passwords_fail() -> None:
    hashed = await passwords.hash_password("correct horse battery staple")
    assert await passwords.verify_password(hashed, "correct horse battery staple")
    assert not await passwords.verify_password(hashed, "wrong")
    assert not await passwords.verify_password(None, "anything")
    assert not await passwords.verify_password("not a hash", "anything")
