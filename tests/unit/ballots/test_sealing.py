"""Sealed ballots (ballots/sealing.py): constant length, bound to key and ballot, and the published
fingerprint is the documented standard-library recipe."""

from __future__ import annotations

import pytest

from ballots import codes, sealing
from ballots.tally_cli import find_receipt, receipt_fingerprint

KEY = "a-secret-key-that-is-long-enough-for-tests-0123456789"


def payload(ranking: list[int], origin: str = "online", band: str = "18-24") -> sealing.Payload:
    return sealing.Payload(ranking, origin, band, "2026-11-30", "f" * 20, "v" * 32)


def test_every_sealed_ballot_of_a_ballot_has_the_same_length() -> None:
    keys = sealing.keys_for(KEY, sealing.new_seal_salt())
    lengths = {len(sealing.seal(keys, 7, payload(r, o, b), 5))
               for r in ([1], [1, 2], [10**9, 2 * 10**9, 3, 4, 5], [2**62] * 5)
               for o, b in (("online", "65+"), ("paper", ""), ("code", "12-17"))}
    assert len(lengths) == 1


def test_a_sealed_ballot_opens_only_with_its_key_and_ballot() -> None:
    salt = sealing.new_seal_salt()
    keys = sealing.keys_for(KEY, salt)
    sealed = sealing.seal(keys, 7, payload([3, 1]), 3)
    assert sealing.unseal(keys, 7, sealed) == payload([3, 1])
    with pytest.raises(sealing.KeyMismatch):
        sealing.unseal(sealing.keys_for(KEY + "x", salt), 7, sealed)
    with pytest.raises(sealing.KeyMismatch):
        sealing.unseal(keys, 8, sealed)
    assert sealing.keys_for(KEY + "x", salt).check != keys.check


def test_lookup_tag_and_fingerprint_are_different_functions_of_a_receipt() -> None:
    keys = sealing.keys_for(KEY, sealing.new_seal_salt())
    receipt = codes.new_receipt()
    tag = sealing.lookup_tag(keys, receipt)
    fingerprint = sealing.fingerprint(12, receipt)
    assert fingerprint not in tag and tag != sealing.voter_tag(keys, "account", 1)
    assert sealing.lookup_tag(keys, receipt.lower().replace("-", " ")) == tag
    assert receipt_fingerprint("12", receipt) == fingerprint  # the CLI's standard-library recipe


def test_find_receipt_reads_the_published_layout() -> None:
    receipt = codes.new_receipt()
    fp = sealing.fingerprint(3, receipt)
    text = ("META\nkey;value\nballot_id;3\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote;receipt_fingerprint\n"
            f"1;1;{'0' * 20}\n2;1;{fp}\n")
    assert find_receipt(text, receipt) == (fp, ["2", "1", fp])
    assert find_receipt(text, codes.new_receipt())[1] is None
