"""Account forms: what is checked before anything touches the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from server import forms
from server.i18n import gettext as _

# partner: a community organisation, school or faith group that verifies residents in person and hands
# out access codes (issue "One resident, one vote"); oversight: a member of an independent oversight
# body who reads the concerns routed to it (the concerns domain). Neither moderates nor runs ballots.
ROLES = ("resident", "moderator", "council", "partner", "oversight")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
OLDEST_BIRTH_YEAR = 1900
YOUNGEST_AGE = 10  # the youngest age at which a person can hold an account (youth ballots start at 12)


class SignUp(msgspec.Struct, frozen=True):
    display_name: str
    email: str
    password: str
    neighborhood_id: int
    birth_year: int


class SignIn(msgspec.Struct, frozen=True):
    email: str
    password: str


def check_password(form: Mapping[str, str], name: str, errors: forms.Errors) -> str:
    # Passwords are never stripped or normalised: what was typed is the password.
    value = form.get(name) or ""
    if not value:
        errors[name] = _("This field is required.")
    elif len(value) < MIN_PASSWORD:
        errors[name] = _("Please use at least %(n)s characters.", n=MIN_PASSWORD)
    elif len(value) > MAX_PASSWORD:
        errors[name] = _("Please use %(n)s characters or fewer.", n=MAX_PASSWORD)
    return value


def parse_sign_up(
    form: Mapping[str, str], neighborhood_ids: set[int], today: dt.date
) -> tuple[SignUp | None, forms.Errors]:
    errors: forms.Errors = {}
    display_name = forms.text(form, "display_name", errors, max_length=80, min_length=2)
    email = forms.email(form, "email", errors)
    password = check_password(form, "password", errors)
    # Reported with a too-short password too: one round trip should show everything to fix.
    if password and form.get("password_confirm") != password:
        errors["password_confirm"] = _("The two passwords do not match.")
    neighborhood = forms.integer(form, "neighborhood_id", errors)
    if neighborhood is not None and neighborhood not in neighborhood_ids:
        errors["neighborhood_id"] = _("Please choose your neighborhood from the list.")
    birth_year = forms.integer(
        form, "birth_year", errors, minimum=OLDEST_BIRTH_YEAR, maximum=today.year - YOUNGEST_AGE
    )
    if errors:
        return None, errors
    assert neighborhood is not None and birth_year is not None
    return SignUp(display_name, email, password, neighborhood, birth_year), errors


class Details(msgspec.Struct, frozen=True):
    display_name: str
    neighborhood_id: int
    email_notifications: bool = False


def parse_details(form: Mapping[str, str], neighborhood_ids: set[int]) -> tuple[Details | None, forms.Errors]:
    """The details a person may change themselves. Not the year of birth: it decides who may vote on
    age-limited ballots (the youth fund)."""
    errors: forms.Errors = {}
    display_name = forms.text(form, "display_name", errors, max_length=80, min_length=2)
    neighborhood = forms.integer(form, "neighborhood_id", errors)
    if neighborhood is not None and neighborhood not in neighborhood_ids:
        errors["neighborhood_id"] = _("Please choose your neighborhood from the list.")
    if errors:
        return None, errors
    assert neighborhood is not None
    return Details(display_name, neighborhood, form.get("email_notifications") == "yes"), errors


def parse_sign_in(form: Mapping[str, str]) -> tuple[SignIn | None, forms.Errors]:
    errors: forms.Errors = {}
    email = forms.clean_text(form.get("email")).lower()
    password = form.get("password") or ""
    if not email:
        errors["email"] = _("This field is required.")
    if not password:
        errors["password"] = _("This field is required.")
    return (None, errors) if errors else (SignIn(email, password), errors)
