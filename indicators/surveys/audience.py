"""Who a survey is for, by the ballots' eligibility rules (ballots/eligibility.py, pure).

The one place surveys meet those rules. A survey's audience is a neighborhood (or the city), an age
window, and how people show who they are: any account with a confirmed e-mail address, or verified
residents only (the eligibility roll or in person, server/verification). Access codes are a ballot's
credential and are not offered for surveys: a survey response is tied to an account so that each
person answers once."""

from __future__ import annotations

from ballots.eligibility import VOTER_LABELS, Refusal, Rules, age_band, age_in_closing_year, check_voter
from server.verification import paths

# The ballots' VOTERS keys a survey may use (accounts only), with the ballots' own labels.
VOTERS = {key: VOTER_LABELS[key] for key in ("confirmed", "verified")}


def refusal(*, neighborhood_id: int | None, age_min: int | None, age_max: int | None, closing_year: int,
            person_neighborhood: int, birth_year: int, voters: str = "confirmed", confirmed: bool = True,
            verified_via: str = "") -> Refusal | None:
    """None when the person may answer; else why not (the ballots' reasons and their messages)."""
    rules = Rules(neighborhood_id=neighborhood_id, age_min=age_min, age_max=age_max, closing_year=closing_year,
                  voters=voters if voters in VOTERS else "confirmed",
                  # Surveys belong to no budget cycle: every way of verifying a resident counts.
                  cycle_paths=frozenset(paths.ACCOUNT_METHODS))
    return check_voter(rules, person_neighborhood, birth_year, confirmed, verified_via)


def band(birth_year: int | None, closing_year: int) -> str:
    """The age band a respondent is counted in (the ballots' turnout bands)."""
    return age_band(None if birth_year is None else age_in_closing_year(birth_year, closing_year))
