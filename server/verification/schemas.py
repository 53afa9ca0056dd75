"""Verification forms and views: what is checked before anything touches the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from server import forms
from server.accounts.schemas import OLDEST_BIRTH_YEAR, YOUNGEST_AGE
from server.i18n import gettext as _

METHODS = ("roll", "in_person")


class VerificationView(msgspec.Struct, frozen=True):
    method: str  # roll | in_person
    neighborhood_name: str
    birth_year: int
    verified_at: dt.datetime
    verified_by: str  # "" for the roll (the person matched themselves)
    organisation: str  # the partner's organisation; "" for council staff and the roll


class PartnerView(msgspec.Struct, frozen=True):
    account_id: int
    display_name: str
    email: str
    organisation: str
    added_at: dt.datetime
    verifications: int
    # PART B (code batches handed out by partners) adds its count here and a column on the page.


class StaffActionView(msgspec.Struct, frozen=True):
    at: dt.datetime
    actor: str
    action: str
    subject: str
    organisation: str
    detail: str


class DeskAccount(msgspec.Struct, frozen=True):
    """The account found at a verification desk: enough to be sure it is the person in front of you."""

    id: int
    display_name: str
    email: str
    neighborhood_id: int
    neighborhood_name: str
    birth_year: int
    verified_via: str


class RollStatus(msgspec.Struct, frozen=True):
    entries: int
    claimed: int
    last_import_at: dt.datetime | None


class InPerson(msgspec.Struct, frozen=True):
    email: str
    neighborhood_id: int
    birth_year: int


class RollMatch(msgspec.Struct, frozen=True):
    identifier: str
    birth_year: int


def _birth_year(form: Mapping[str, str], errors: forms.Errors, today: dt.date) -> int | None:
    return forms.integer(form, "birth_year", errors, minimum=OLDEST_BIRTH_YEAR, maximum=today.year - YOUNGEST_AGE)


def parse_in_person(form: Mapping[str, str], neighborhood_ids: set[int], today: dt.date
                    ) -> tuple[InPerson | None, forms.Errors]:
    errors: forms.Errors = {}
    email = forms.email(form, "email", errors).lower()
    neighborhood = forms.integer(form, "neighborhood_id", errors)
    if neighborhood is not None and neighborhood not in neighborhood_ids:
        errors["neighborhood_id"] = _("Please choose a neighborhood from the list.")
    birth_year = _birth_year(form, errors, today)
    if form.get("seen") != "yes":
        errors["seen"] = _("Please confirm that you checked where this person lives and their year of birth.")
    if errors:
        return None, errors
    assert neighborhood is not None and birth_year is not None
    return InPerson(email, neighborhood, birth_year), errors


def parse_roll_match(form: Mapping[str, str], today: dt.date) -> tuple[RollMatch | None, forms.Errors]:
    errors: forms.Errors = {}
    identifier = forms.text(form, "identifier", errors, max_length=80)
    birth_year = _birth_year(form, errors, today)
    if errors:
        return None, errors
    assert birth_year is not None
    return RollMatch(identifier, birth_year), errors


class NewPartner(msgspec.Struct, frozen=True):
    email: str
    organisation: str


def parse_partner(form: Mapping[str, str]) -> tuple[NewPartner | None, forms.Errors]:
    errors: forms.Errors = {}
    email = forms.email(form, "email", errors).lower()
    organisation = forms.text(form, "organisation", errors, max_length=120, min_length=2)
    if errors:
        return None, errors
    return NewPartner(email, organisation), errors
