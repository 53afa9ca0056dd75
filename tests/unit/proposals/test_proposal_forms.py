from __future__ import annotations

from proposals.schemas import parse_cycle, parse_proposal, parse_review

GOOD = {
    "title": "Youth mentoring at the rec center",
    "summary": "Weekly mentoring evenings for teenagers.",
    "description": "Trained adult mentors, homework help and a safe place until 9 pm.",
    "category": "youth_programs",
    "estimated_cost": "30 000",
    "location": "",
    "co_authors": "A@example.org, b@example.org; a@example.org",
}


def test_a_good_proposal_parses() -> None:
    data, errors = parse_proposal(GOOD)
    assert errors == {}
    assert data is not None and data.estimated_cost == 30000
    assert data.co_author_emails == ("a@example.org", "b@example.org")


def test_limits_and_required_fields() -> None:
    data, errors = parse_proposal({**GOOD, "title": "x" * 121, "summary": "one\ntwo lines here", "description": "",
                                   "category": "weapons", "estimated_cost": "-5"})
    assert data is None
    assert set(errors) == {"title", "summary", "description", "category", "estimated_cost"}
    assert "120" in errors["title"]


def test_at_most_three_co_authors() -> None:
    _, errors = parse_proposal({**GOOD, "co_authors": "a@x.org, b@x.org, c@x.org, d@x.org"})
    assert "at most 3" in errors["co_authors"]
    _, errors = parse_proposal({**GOOD, "co_authors": "not-an-email"})
    assert "not-an-email" in errors["co_authors"]


def test_review_rules() -> None:
    _, errors = parse_review({"decision": "not_feasible", "reason": "  "})
    assert "public reason" in errors["reason"]
    _, errors = parse_review({"decision": "feasible"})
    assert "final_cost" in errors
    _, errors = parse_review({"decision": "merged"})
    assert "merge_into" in errors
    data, errors = parse_review({"decision": "feasible", "final_cost": "1200", "ballot_eligible": "on",
                                 "merge_into": "7"})
    assert errors == {} and data.final_cost == 1200 and data.ballot_eligible and data.merge_into is None
    data, _ = parse_review({"decision": "not_feasible", "reason": "Too costly", "ballot_eligible": "on"})
    assert data.ballot_eligible is False


def test_cycle_dates_must_be_in_order() -> None:
    form = {"name": "2027 Safety Fund", "ideas_open": "2027-01-01", "deliberation_open": "2027-02-01",
            "review_open": "2027-03-01", "voting_open": "2027-04-01", "results_open": "2027-05-01",
            "delivery_open": "2027-06-01", "delivery_close": "2027-12-31"}
    data, errors = parse_cycle(form)
    assert errors == {} and data is not None
    _, errors = parse_cycle({**form, "voting_open": "2027-02-15", "results_open": "not a date"})
    assert "after" in errors["voting_open"] and "date like" in errors["results_open"]
