"""Who may vote on a ballot, from facts about the person alone (no I/O).

Age from a birth year: accounts store only the year of birth, so a person's age for a ballot is the
age they reach during the calendar year in which voting closes: `closing_year - birth_year`.
Someone born in 2010 counts as 12 on a ballot closing in 2022, whether their birthday falls before
or after the closing day. This errs on the side of letting a young person vote in the year they
turn the minimum age (and keeps them in the year they turn the maximum), and it is the same rule a
school year uses, so councils can explain it in one sentence."""

from __future__ import annotations

import enum

import msgspec

# Turnout is shown by these bands (inclusive); a youth window is narrower than the first bands.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-11", 0, 11),
    ("12-17", 12, 17),
    ("18-24", 18, 24),
    ("25-44", 25, 44),
    ("45-64", 45, 64),
    ("65+", 65, None),
)
UNKNOWN_BAND = ""


class Rules(msgspec.Struct, frozen=True):
    """Who a ballot is for. `neighborhood_id` None: city-wide (any neighborhood)."""

    neighborhood_id: int | None
    age_min: int | None
    age_max: int | None
    closing_year: int


class Refusal(enum.Enum):
    WRONG_NEIGHBORHOOD = "wrong_neighborhood"
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"


def age_in_closing_year(birth_year: int, closing_year: int) -> int:
    return closing_year - birth_year


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN_BAND
    for key, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return key
    return UNKNOWN_BAND


def check_age(rules: Rules, birth_year: int) -> Refusal | None:
    age = age_in_closing_year(birth_year, rules.closing_year)
    if rules.age_min is not None and age < rules.age_min:
        return Refusal.TOO_YOUNG
    if rules.age_max is not None and age > rules.age_max:
        return Refusal.TOO_OLD
    return None


def check_account(rules: Rules, neighborhood_id: int, birth_year: int) -> Refusal | None:
    """None when a resident of `neighborhood_id` born in `birth_year` may vote; else why not."""
    if rules.neighborhood_id is not None and neighborhood_id != rules.neighborhood_id:
        return Refusal.WRONG_NEIGHBORHOOD
    return check_age(rules, birth_year)
