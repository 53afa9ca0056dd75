"""Code batches' rules (ballots/batches.py) and sheet references (ballots/codes.py): pure, no database."""

from __future__ import annotations

import pytest

from ballots import batches, codes
from ballots.batches import Misfit, Window

YOUTH_BALLOT = Window(12, 17)
ADULT_BALLOT = Window(18, None)
OPEN_BALLOT = Window()


@pytest.mark.parametrize(("ballot", "batch", "expected"), [
    (YOUTH_BALLOT, Window(12, 17), None),
    (YOUTH_BALLOT, Window(14, 16), None),  # a school year inside the youth window
    (YOUTH_BALLOT, Window(), Misfit.NO_WINDOW),  # a general batch cannot vote on a youth ballot
    (YOUTH_BALLOT, Window(18, None), Misfit.TOO_OLD),  # an adult batch cannot either
    (YOUTH_BALLOT, Window(12, None), Misfit.TOO_OLD),
    (YOUTH_BALLOT, Window(10, 17), Misfit.TOO_YOUNG),
    (YOUTH_BALLOT, Window(None, 17), Misfit.TOO_YOUNG),
    (ADULT_BALLOT, Window(12, 17), Misfit.TOO_YOUNG),  # a youth code cannot vote on an adults-only ballot
    (ADULT_BALLOT, Window(18, None), None),
    (ADULT_BALLOT, Window(65, None), None),
    (ADULT_BALLOT, Window(), Misfit.NO_WINDOW),
    (OPEN_BALLOT, Window(), None),
    (OPEN_BALLOT, Window(12, 17), None),  # youth may vote where everyone may
])
def test_a_batch_votes_only_inside_its_ballots_age_window(ballot: Window, batch: Window,
                                                          expected: Misfit | None) -> None:
    assert batches.misfit(ballot, batch) is expected


def test_window_problems() -> None:
    assert batches.window_problem(Window(12, 17)) is None
    assert batches.window_problem(Window(None, None)) is None
    assert batches.window_problem(Window(18, 12)) == "order"
    assert batches.window_problem(Window(-1, 12)) == "range"
    assert batches.window_problem(Window(12, 121)) == "range"


@pytest.mark.parametrize(("window", "band"), [
    (Window(12, 17), "12-17"),
    (Window(14, 16), "12-17"),
    (Window(10, 13), ""),  # across two bands: not known which
    (Window(18, None), ""),
    (Window(65, None), "65+"),
    (Window(70, 80), "65+"),
    (Window(), ""),
])
def test_a_batchs_voters_are_counted_in_the_band_that_holds_its_window(window: Window, band: str) -> None:
    assert batches.band_of(window) == band


def test_a_sheet_opens_only_with_its_key_ballot_and_batch() -> None:
    plain = [codes.new_code() for _ in range(3)]
    sealed = batches.seal_sheet("k" * 40, 7, 2, plain)
    assert all(c.encode() not in sealed for c in plain)
    assert batches.open_sheet("k" * 40, 7, 2, sealed) == plain
    assert batches.open_sheet("x" * 40, 7, 2, sealed) is None
    assert batches.open_sheet("k" * 40, 8, 2, sealed) is None
    assert batches.open_sheet("k" * 40, 7, 3, sealed) is None
    assert batches.open_sheet("k" * 40, 7, 2, b"") is None


def test_the_throttle_key_of_a_typed_code_ignores_how_it_was_typed_and_hides_it() -> None:
    key = batches.typed_code_key("k" * 40, codes.normalize("abcde fgh23"))
    assert key == batches.typed_code_key("k" * 40, codes.normalize("ABCDE-FGH23"))
    assert "ABCDE" not in key


@pytest.mark.parametrize("typed", ["A-12", "a 12", "A12", " a‐12 ", "a-١٢", "Ａ12"])
def test_one_sheet_has_one_reference_however_it_is_typed(typed: str) -> None:
    assert codes.sheet_ref(typed) == "A12"


def test_different_sheets_keep_different_references() -> None:
    assert codes.sheet_ref("A-12") != codes.sheet_ref("A-21")
    assert codes.sheet_ref("---") == ""
