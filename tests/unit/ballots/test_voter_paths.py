"""Which kind of voter a ballot takes (ballots/eligibility.py): the pure rule behind voter_standing."""

from ballots.eligibility import (
    VOTERS,
    Refusal,
    Rules,
    accepts_codes,
    allowed_voters,
    check_path,
    check_voter,
    verification_paths,
)
from server.verification import paths

ALL = frozenset(paths.PATHS)


def rules(voters: str, cycle_paths: frozenset[str] = ALL, hood: int | None = 1) -> Rules:
    return Rules(hood, None, None, 2027, voters, cycle_paths)


def test_any_confirmed_account_and_codes_is_what_ballots_did_before() -> None:
    assert check_path(rules("confirmed_codes"), True, "") is None
    assert check_path(rules("confirmed_codes"), False, "") == Refusal.UNCONFIRMED
    assert accepts_codes(rules("confirmed_codes"))
    assert not accepts_codes(rules("confirmed"))


def test_verified_residents_need_a_method_the_cycle_enables() -> None:
    assert check_path(rules("verified"), True, "") == Refusal.NOT_VERIFIED
    assert check_path(rules("verified"), True, "roll") is None
    assert check_path(rules("verified"), True, "in_person") is None
    only_in_person = frozenset({paths.IN_PERSON, paths.CODES})
    assert check_path(rules("verified", only_in_person), True, "roll") == Refusal.NOT_VERIFIED
    assert check_path(rules("verified", only_in_person), True, "in_person") is None
    # verified but unconfirmed: the address comes first (one address, one person)
    assert check_path(rules("verified"), False, "in_person") == Refusal.UNCONFIRMED


def test_code_only_ballots_take_no_accounts_and_codes_need_the_cycle() -> None:
    assert check_path(rules("codes"), True, "roll") == Refusal.CODES_ONLY
    assert accepts_codes(rules("codes"))
    assert not accepts_codes(rules("verified_codes", frozenset({paths.ROLL})))


def test_neighborhood_and_age_still_apply_after_the_path() -> None:
    assert check_voter(rules("verified"), 2, 1990, True, "roll") == Refusal.WRONG_NEIGHBORHOOD
    assert check_voter(rules("verified"), 1, 1990, True, "roll") is None
    assert check_voter(rules("verified"), 2, 1990, True, "") == Refusal.NOT_VERIFIED


def test_the_page_lists_the_ways_in_order() -> None:
    assert verification_paths(rules("verified_codes")) == ["roll", "in_person", "codes"]
    assert verification_paths(rules("verified", frozenset({paths.IN_PERSON}))) == ["in_person"]
    assert verification_paths(rules("confirmed")) == []
    assert verification_paths(rules("codes")) == ["codes"]


def test_a_cycle_limits_the_settings_its_ballots_may_choose() -> None:
    assert allowed_voters(ALL) == list(VOTERS)
    assert allowed_voters(frozenset()) == ["confirmed"]
    assert allowed_voters(frozenset({paths.CODES})) == ["confirmed_codes", "confirmed", "codes"]
    assert allowed_voters(frozenset({paths.ROLL})) == ["confirmed", "verified"]
