"""The case workflow, due dates, overdue, the reporter's last word, location coarsening, follow-up
codes and the public figures: pure rules, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from concerns import codes, figures, location, rules

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def test_every_step_needs_a_public_note() -> None:
    assert rules.check_change(rules.RECEIVED, rules.ACKNOWLEDGED, note="") == [rules.NEEDS_NOTE]
    assert rules.check_change(rules.RECEIVED, rules.ACKNOWLEDGED, note="We read it.") == []


def test_closing_needs_what_the_public_figures_are_made_of() -> None:
    assert rules.check_change(rules.IN_PROGRESS, rules.RESOLVED, note="Fixed.") == [rules.NEEDS_METHOD,
                                                                                    rules.NEEDS_ESCALATION]
    assert rules.check_change(rules.IN_PROGRESS, rules.RESOLVED, note="Fixed.", method="repair",
                              without_escalation=True) == []
    assert rules.check_change(rules.IN_PROGRESS, rules.RESOLVED, note="Fined.", method="enforcement",
                              without_escalation=True) == [rules.ENFORCEMENT_ESCALATES]
    assert rules.check_change(rules.IN_PROGRESS, rules.REFERRED, note="Passed on.") == [rules.NEEDS_REFERRAL]
    assert rules.check_change(rules.IN_PROGRESS, rules.DUPLICATE, note="Same.") == [rules.NEEDS_DUPLICATE]
    assert rules.check_change(rules.RECEIVED, rules.NOT_ACTIONABLE, note="No.") == [rules.NEEDS_REASON]
    assert rules.check_change(rules.RECEIVED, rules.NOT_ACTIONABLE, note="We found nothing at the place, twice.") == []


def test_a_closed_case_only_reopens_and_nothing_moves_to_received() -> None:
    for closed in rules.CLOSED_STATUSES:
        assert rules.allowed_next(closed) == [rules.IN_PROGRESS]
        assert rules.check_change(closed, rules.RESOLVED, note="x") == [rules.NOT_ALLOWED]
    assert all(rules.RECEIVED not in rules.allowed_next(s) for s in rules.STATUSES)
    assert rules.check_change(rules.ACKNOWLEDGED, rules.ACKNOWLEDGED, note="again") == [rules.NOT_ALLOWED]


def test_due_dates_and_overdue() -> None:
    first, resolution = rules.due_dates(T0, 2, 14)
    assert first == T0 + dt.timedelta(days=2) and resolution == T0 + dt.timedelta(days=14)
    args = {"first_response_due": first, "resolution_due": resolution}
    assert rules.overdue(rules.RECEIVED, T0 + dt.timedelta(days=1), first_response_at=None, **args) is None
    assert rules.overdue(rules.RECEIVED, T0 + dt.timedelta(days=3), first_response_at=None, **args) == "first_response"
    answered = T0 + dt.timedelta(days=1)
    assert rules.overdue(rules.ACKNOWLEDGED, T0 + dt.timedelta(days=3), first_response_at=answered, **args) is None
    assert rules.overdue(rules.IN_PROGRESS, T0 + dt.timedelta(days=15), first_response_at=answered,
                         **args) == "resolution"
    assert rules.overdue(rules.RESOLVED, T0 + dt.timedelta(days=30), first_response_at=answered, **args) is None


def test_open311_status_and_disputes() -> None:
    assert [rules.open311_status(s) for s in rules.STATUSES] == ["open"] * 3 + ["closed"] * 4
    assert [rules.can_dispute(s) for s in rules.STATUSES] == [False] * 3 + [True] * 4


@pytest.mark.parametrize(("typed", "public"), [
    ("12 Elm Street", "0-99 Elm Street"),
    ("Elm Street 12", "0-99 Elm Street"),
    ("245B Canal Road, Apt 4, Riverside", "200-299 Canal Road"),
    ("Calle Mayor 131, piso 2", "100-199 Calle Mayor"),
    ("Riverside Park", "Riverside Park"),
    ("", ""),
])
def test_addresses_are_published_as_the_block(typed: str, public: str) -> None:
    assert location.coarsen_address(typed) == public


def test_points_snap_to_a_grid_and_sensitive_ones_vanish() -> None:
    a = location.coarsen_point(51.50721, -0.12761)
    b = location.coarsen_point(51.50739, -0.12780)
    assert a == b and a != (51.50721, -0.12761)
    assert abs(a[0] - 51.50721) < location.GRID_DEGREES and abs(a[1] + 0.12761) < location.GRID_DEGREES
    assert location.coarsen_point(None, 1.0) is None and location.coarsen_point(95.0, 0.0) is None
    assert location.public_location("12 Elm Street", 51.5, -0.1, sensitive=True) == ("", None, None)
    place, lat, long = location.public_location("12 Elm Street", 51.5, -0.1, sensitive=False)
    assert place == "0-99 Elm Street" and lat is not None and long is not None


def test_follow_up_codes_are_read_back_as_typed_and_only_hashed() -> None:
    code = codes.new_code()
    assert codes.looks_valid(code) and codes.looks_valid(code.lower().replace("-", " "))
    assert codes.code_hash(code) == codes.code_hash(code.lower().replace("-", ""))
    assert code.replace("-", "") not in codes.code_hash(code)
    assert not codes.looks_valid("ABCD-EFGH") and codes.code_hash(code) != codes.code_hash(codes.new_code())


def _case(status: str, *, first_h: float | None = 24, close_d: float | None = None, due_d: float = 14,
          calm: bool | None = None, disputes: int = 0, category: str = "lights") -> figures.CaseFacts:
    return figures.CaseFacts(
        category=category, neighborhood="Riverside", status=status, received_at=T0,
        first_response_at=T0 + dt.timedelta(hours=first_h) if first_h is not None else None,
        closed_at=T0 + dt.timedelta(days=close_d) if close_d is not None else None,
        resolution_due=T0 + dt.timedelta(days=due_d), without_escalation=calm, disputes=disputes)


def test_category_figures() -> None:
    cases = [_case(rules.RESOLVED, first_h=h, close_d=d, calm=calm, disputes=dis)
             for h, d, calm, dis in [(12, 3, True, 0), (24, 5, True, 1), (36, 10, False, 2), (48, 20, True, 2),
                                     (60, 30, True, 0)]]
    cases.append(_case(rules.IN_PROGRESS, first_h=None))
    f = figures.category_figures("lights", cases)
    assert f.cases == 6
    assert f.median_days_first_response == 1.5  # 12, 24, 36, 48, 60 hours
    assert f.median_days_to_close == 10.0
    assert f.share_closed_within_target == 0.6  # 3, 5 and 10 days of 14
    assert f.share_resolved_without_escalation == 0.8
    assert f.disputes == 5


def test_figures_from_fewer_than_five_cases_are_not_published() -> None:
    f = figures.category_figures("lights", [_case(rules.RESOLVED, close_d=2, calm=True, disputes=1)] * 4)
    assert f.cases is None and f.cases_fewer_than_5 and f.median_days_to_close is None and f.disputes is None
    many = [_case(rules.RESOLVED, close_d=2, calm=True, disputes=0)] * 4 + [_case(rules.RECEIVED, first_h=None,
                                                                                   disputes=2)] * 2
    f = figures.category_figures("lights", many)
    assert f.cases == 6 and f.median_days_to_close is None and f.share_resolved_without_escalation is None
    assert f.disputes is None  # 4 disputes: a small group of people
    assert figures.category_figures("lights", []).cases == 0
