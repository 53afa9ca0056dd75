"""Who a survey is for, by the ballots' eligibility rules (ballots/eligibility.py, pure).

The one place surveys meet those rules: when ballots learn new kinds of audience (verified
residents, code holders), only this function changes."""

from __future__ import annotations

from ballots.eligibility import Refusal, Rules, age_band, age_in_closing_year, check_account


def refusal(*, neighborhood_id: int | None, age_min: int | None, age_max: int | None, closing_year: int,
            person_neighborhood: int, birth_year: int) -> Refusal | None:
    """None when the person may answer; else why not (the ballots' reasons and their messages)."""
    rules = Rules(neighborhood_id=neighborhood_id, age_min=age_min, age_max=age_max, closing_year=closing_year)
    return check_account(rules, person_neighborhood, birth_year)


def band(birth_year: int | None, closing_year: int) -> str:
    """The age band a respondent is counted in (the ballots' turnout bands)."""
    return age_band(None if birth_year is None else age_in_closing_year(birth_year, closing_year))
