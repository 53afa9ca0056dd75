"""Eligibility boundaries, ranking checks and edits, code formats, turnout suppression."""

from __future__ import annotations

from ballots import codes
from ballots.eligibility import Refusal, Rules, age_band, check_account
from ballots.ranking import apply_operation, check_ranking, parse_ids
from server.small_groups import shown_total, suppress

YOUTH = Rules(neighborhood_id=None, age_min=12, age_max=22, closing_year=2026)
RIVERSIDE = Rules(neighborhood_id=1, age_min=None, age_max=None, closing_year=2026)


def test_age_window_boundaries_use_the_closing_year() -> None:
    assert check_account(YOUTH, 5, 2014) is None  # turns 12 in 2026
    assert check_account(YOUTH, 5, 2015) is Refusal.TOO_YOUNG  # turns 11
    assert check_account(YOUTH, 5, 2004) is None  # turns 22
    assert check_account(YOUTH, 5, 2003) is Refusal.TOO_OLD  # turns 23


def test_neighborhood_ballots_take_only_residents() -> None:
    assert check_account(RIVERSIDE, 1, 1950) is None
    assert check_account(RIVERSIDE, 2, 1950) is Refusal.WRONG_NEIGHBORHOOD
    assert check_account(Rules(1, 12, 22, 2026), 2, 2010) is Refusal.WRONG_NEIGHBORHOOD


def test_age_bands() -> None:
    assert [age_band(a) for a in (11, 12, 17, 18, 24, 25, 44, 45, 64, 65, 99)] == [
        "0-11", "12-17", "12-17", "18-24", "18-24", "25-44", "25-44", "45-64", "45-64", "65+", "65+"]
    assert age_band(None) == ""


def test_ranking_checks() -> None:
    ids = [1, 2, 3, 4]
    assert check_ranking([1, 2], ids, 1, 3) == []
    assert len(check_ranking([], ids, 1, 3)) == 1
    assert "at least 2" in check_ranking([1], ids, 2, 3)[0]
    assert "at most 3" in check_ranking([1, 2, 3, 4], ids, 1, 3)[0]
    assert "only once" in check_ranking([1, 1], ids, 1, 3)[0]
    assert "not on this ballot" in check_ranking([1, 9], ids, 1, 3)[0]
    assert parse_ids(["3", "", " 1 ", "x"]) == ([3, 1], True)


def test_ranking_operations() -> None:
    ids = [1, 2, 3, 4]
    assert apply_operation([1, 2], "add:3", ids, 3) == ([1, 2, 3], 3)
    assert apply_operation([1, 2, 3], "add:4", ids, 3) == ([1, 2, 3], None)  # full
    assert apply_operation([1, 2], "add:9", ids, 3) == ([1, 2], None)
    assert apply_operation([1, 2, 3], "up:3", ids, 3) == ([1, 3, 2], 3)
    assert apply_operation([1, 2, 3], "up:1", ids, 3) == ([1, 2, 3], None)
    assert apply_operation([1, 2, 3], "down:1", ids, 3) == ([2, 1, 3], 1)
    assert apply_operation([1, 2, 3], "down:3", ids, 3) == ([1, 2, 3], None)
    assert apply_operation([1, 2, 3], "remove:2", ids, 3) == ([1, 3], 2)
    assert apply_operation([1, 1, 9, 2], "noop", ids, 3) == ([1, 2], None)  # cleaned


def test_codes_and_receipts() -> None:
    code = codes.new_code()
    assert len(code) == 11 and code[5] == "-" and all(c in codes.ALPHABET for c in code.replace("-", ""))
    receipt = codes.new_receipt()
    assert len(receipt) == 19 and receipt.count("-") == 3
    assert not set("01ILO") & set(codes.ALPHABET) and len(codes.ALPHABET) == 31
    assert codes.normalize(" abcde fgh23 ") == "ABCDEFGH23"
    assert codes.digest("salt", code) == codes.digest("salt", code.lower().replace("-", " "))
    assert codes.digest("salt", code) != codes.digest("other", code)
    assert codes.looks_valid(codes.normalize(code), codes.CODE_LENGTH)
    assert not codes.looks_valid("ABCDE0GH23", codes.CODE_LENGTH)


def test_turnout_suppression_protects_against_subtraction() -> None:
    order = ["a", "b", "c", "d"]
    cells = {c.key: c for c in suppress({"a": 3, "b": 20, "c": 12, "d": 0}, order)}
    assert cells["a"].count is None and cells["a"].fewer_than_threshold
    assert cells["c"].count is None and not cells["c"].fewer_than_threshold  # secondary
    assert cells["b"].count == 20 and cells["d"].count == 0
    # Two tiny groups summing to under 5 would both be exact after subtraction: hide a third.
    cells = {c.key: c for c in suppress({"a": 1, "b": 1, "c": 30, "d": 9}, order)}
    assert [cells[k].count for k in order] == [None, None, 30, None]
    assert [c.count for c in suppress({"a": 5, "b": 6}, ["a", "b"])] == [5, 6]
    assert shown_total(4) is None and shown_total(0) == 0 and shown_total(5) == 5
