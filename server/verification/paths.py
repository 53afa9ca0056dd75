"""The three ways a person can show they may vote on a ballot (no I/O). A council enables them per
budget cycle (proposals: BudgetCycle.verification_paths); each ballot says which it accepts
(ballots/eligibility.py). "roll" and "in_person" verify an account (server/verification/service.py);
"codes" needs no account at all: the access code is the credential."""

from __future__ import annotations

from collections.abc import Iterable

from server.notifications.kinds import N_

ROLL, IN_PERSON, CODES = "roll", "in_person", "codes"
PATHS = (ROLL, IN_PERSON, CODES)
# Methods that verify an account (Account.verified_via).
ACCOUNT_METHODS = (ROLL, IN_PERSON)
DEFAULT = ",".join(PATHS)

LABELS = {
    ROLL: N_("Eligibility roll (residents match themselves)"),
    IN_PERSON: N_("In person (council staff or a partner)"),
    CODES: N_("Access codes handed out at events"),
}


def decode(stored: str) -> frozenset[str]:
    return frozenset(p for p in stored.split(",") if p in PATHS)


def encode(paths: Iterable[str]) -> str:
    chosen = set(paths)
    return ",".join(p for p in PATHS if p in chosen)
