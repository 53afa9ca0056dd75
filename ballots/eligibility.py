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

from server.notifications.kinds import N_
from server.verification import paths

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


# Who may vote on a ballot, by how they show it (a ballot setting, `Ballot.voters`): any account with a
# confirmed e-mail address, or only verified residents (server/verification: the roll or in person,
# as the ballot's budget cycle enables them), with or without holders of the ballot's access codes.
# key -> (accounts: "confirmed" | "verified" | None, access codes accepted)
VOTERS: dict[str, tuple[str | None, bool]] = {
    "confirmed_codes": ("confirmed", True),
    "confirmed": ("confirmed", False),
    "verified_codes": ("verified", True),
    "verified": ("verified", False),
    "codes": (None, True),
}
# Ballots made before the setting existed: any (confirmed) account, and codes, as they were.
DEFAULT_VOTERS = "confirmed_codes"
VOTER_LABELS = {
    "confirmed_codes": N_("Any account with a confirmed e-mail address, and access code holders"),
    "confirmed": N_("Any account with a confirmed e-mail address"),
    "verified_codes": N_("Verified residents and access code holders"),
    "verified": N_("Verified residents only"),
    "codes": N_("Access code holders only"),
}


class Rules(msgspec.Struct, frozen=True):
    """Who a ballot is for. `neighborhood_id` None: city-wide (any neighborhood). `voters`: a VOTERS
    key; `cycle_paths`: the ways of verification the ballot's budget cycle enables."""

    neighborhood_id: int | None
    age_min: int | None
    age_max: int | None
    closing_year: int
    voters: str = DEFAULT_VOTERS
    cycle_paths: frozenset[str] = frozenset(paths.PATHS)


class Refusal(enum.Enum):
    WRONG_NEIGHBORHOOD = "wrong_neighborhood"
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"
    UNCONFIRMED = "unconfirmed"  # the account's e-mail address is not confirmed yet
    NOT_VERIFIED = "not_verified"  # the ballot is for verified residents
    CODES_ONLY = "codes_only"  # the ballot takes access codes, not accounts
    NO_CODES = "no_codes"  # the ballot takes accounts, not access codes


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


def accounts_needed(rules: Rules) -> str | None:
    """"confirmed", "verified" or None (accounts cannot vote: access codes only)."""
    return VOTERS.get(rules.voters, VOTERS[DEFAULT_VOTERS])[0]


def accepts_codes(rules: Rules) -> bool:
    return VOTERS.get(rules.voters, VOTERS[DEFAULT_VOTERS])[1] and paths.CODES in rules.cycle_paths


def verification_paths(rules: Rules) -> list[str]:
    """The ways a person can get what this ballot asks for, in the order the page lists them:
    verification methods the cycle enables (when verified residents are asked for), then codes."""
    found = [m for m in paths.ACCOUNT_METHODS if m in rules.cycle_paths] if accounts_needed(rules) == "verified" else []
    return found + ([paths.CODES] if accepts_codes(rules) else [])


def check_path(rules: Rules, confirmed: bool, verified_via: str) -> Refusal | None:
    """Whether an account is the kind of voter the ballot takes: confirmed, and verified by a method
    its budget cycle enables when it asks for verified residents."""
    needed = accounts_needed(rules)
    if needed is None:
        return Refusal.CODES_ONLY
    if not confirmed:
        return Refusal.UNCONFIRMED
    if needed == "verified" and verified_via not in rules.cycle_paths.intersection(paths.ACCOUNT_METHODS):
        return Refusal.NOT_VERIFIED
    return None


def check_voter(rules: Rules, neighborhood_id: int, birth_year: int, confirmed: bool,
                verified_via: str) -> Refusal | None:
    """check_path, then check_account: None when this account may vote on the ballot."""
    return check_path(rules, confirmed, verified_via) or check_account(rules, neighborhood_id, birth_year)


def allowed_voters(cycle_paths: frozenset[str]) -> list[str]:
    """The VOTERS settings a ballot of a cycle enabling `cycle_paths` may choose: verified residents
    need a verification method enabled, code holders need codes enabled."""
    has_methods = bool(cycle_paths.intersection(paths.ACCOUNT_METHODS))
    return [key for key, (accounts, codes) in VOTERS.items()
            if (accounts != "verified" or has_methods) and (not codes or paths.CODES in cycle_paths)]
