"""Reading and checking submitted forms. Every check adds a message in the reader's language to
`errors` under the field's name and returns what was typed, so a page can come back with both."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from litestar import Request

from server.i18n import gettext as _
from server.i18n import lazy_gettext

# How the error summary names a field. The texts are the fields' own labels (already translated);
# a form whose field is labelled differently passes its own name to form_error().
FIELD_LABELS: dict[str, object] = {
    "title": lazy_gettext("Title"),
    "summary": lazy_gettext("Summary"),
    "description": lazy_gettext("Description"),
    "category": lazy_gettext("Category"),
    "estimated_cost": lazy_gettext("Estimated cost"),
    "final_cost": lazy_gettext("Final cost estimate"),
    "location": lazy_gettext("Location"),
    "co_authors": lazy_gettext("Co-authors"),
    "reason": lazy_gettext("Public reason"),
    "decision": lazy_gettext("Decision"),
    "merge_into": lazy_gettext("Merge into"),
    "email": lazy_gettext("Email"),
    "password": lazy_gettext("Password"),
    "password_confirm": lazy_gettext("Repeat password"),
    "current_password": lazy_gettext("Current password"),
    "new_password": lazy_gettext("New password"),
    "new_password_confirm": lazy_gettext("Repeat new password"),
    "display_name": lazy_gettext("Display name"),
    "birth_year": lazy_gettext("Year of birth"),
    "neighborhood_id": lazy_gettext("Your neighborhood"),
    "name": lazy_gettext("Name"),
    "code": lazy_gettext("Access code"),
    "receipt": lazy_gettext("Receipt code"),
    "sheet_ref": lazy_gettext("Sheet number"),
    "comment_opens": lazy_gettext("Comments open on"),
    "comment_closes": lazy_gettext("Comments close after"),
    "changelog": lazy_gettext("What changed (shown with the version)"),
    "heading": lazy_gettext("Heading"),
    "statement": lazy_gettext("Statement to residents"),
    "correction_reason": lazy_gettext("Reason for the correction"),
    "budget": lazy_gettext("Budget (whole currency units)"),
    "fund": lazy_gettext("Fund"),
    "cycle_id": lazy_gettext("Budget cycle"),
    "min_ranks": lazy_gettext("Fewest projects a voter must rank"),
    "max_ranks": lazy_gettext("Most projects a voter may rank (K)"),
    "age_min": lazy_gettext("Youngest age allowed"),
    "age_max": lazy_gettext("Oldest age allowed"),
    "explanation": lazy_gettext("Explanation for voters"),
    "opens_at": lazy_gettext("Voting opens"),
    "closes_at": lazy_gettext("Voting closes"),
    "count": lazy_gettext("How many codes"),
    "label": lazy_gettext("Label"),
    "status": lazy_gettext("Status"),
    "percent_complete": lazy_gettext("Percent complete"),
    "spent": lazy_gettext("Money spent so far"),
    "planned_date": lazy_gettext("Planned date"),
    "photo": lazy_gettext("Photo"),
    "photo_alt": lazy_gettext("Describe the photo"),
}


def field_labels(overrides: Mapping[str, object] | None = None) -> dict[str, object]:
    return {**FIELD_LABELS, **(overrides or {})}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Errors = dict[str, str]


STASH_KEY = "form_back"


class StashedForm(msgspec.Struct, frozen=True):
    form_id: str
    errors: Errors
    form: dict[str, str]


def stash_form(request: Request[Any, Any, Any], page: str, form_id: str, errors: Errors,
               form: Mapping[str, str]) -> None:
    """Keep a refused form for the next view of `page`: on long pages the refusal redirects to the
    form's place (`page#anchor`), so the error shows next to the form and the address can be reloaded."""
    session = request.scope.get("session")
    data = dict(session) if isinstance(session, dict) else {}
    data[STASH_KEY] = {"page": page, "form_id": form_id, "errors": dict(errors),
                       "form": {k: v for k, v in form.items() if "password" not in k}}
    request.set_session(data)


def take_stashed_form(request: Request[Any, Any, Any], page: str) -> StashedForm | None:
    """The form stashed for `page`, once (a reload after that shows the page as it is)."""
    session = request.scope.get("session")
    if not isinstance(session, dict) or not isinstance(stashed := session.get(STASH_KEY), dict):
        return None
    request.set_session({k: v for k, v in session.items() if k != STASH_KEY})
    if stashed.get("page") != page:
        return None
    try:
        return msgspec.convert({k: stashed.get(k) for k in ("form_id", "errors", "form")}, StashedForm)
    except msgspec.ValidationError:
        return None


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The submitted form as single values (the last value wins for repeated names), CSRF token
    removed. Use `read_form_lists` where a field may repeat."""
    form = await request.form()
    return {key: value for key, value in form.items() if key != "_csrf_token" and isinstance(value, str)}


async def read_form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form if key != "_csrf_token"}


def clean_text(value: str | None) -> str:
    # Normalise line endings only: what a person wrote is otherwise kept exactly.
    return (value or "").replace("\r\n", "\n").strip()


def text(
    form: Mapping[str, str],
    name: str,
    errors: Errors,
    *,
    required: bool = True,
    max_length: int,
    min_length: int = 0,
) -> str:
    value = clean_text(form.get(name))
    if not value:
        if required:
            errors[name] = _("This field is required.")
        return value
    if len(value) < min_length:
        errors[name] = _("Please write at least %(n)s characters.", n=min_length)
    elif len(value) > max_length:
        errors[name] = _(
            "Please keep this to %(n)s characters or fewer (you wrote %(m)s).", n=max_length, m=len(value)
        )
    return value


def integer(
    form: Mapping[str, str],
    name: str,
    errors: Errors,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    raw = clean_text(form.get(name)).replace(",", "").replace(" ", "")
    if not raw:
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = _("Please enter a whole number.")
        return None
    if minimum is not None and value < minimum:
        errors[name] = _("Please enter a number of at least %(n)s.", n=minimum)
    elif maximum is not None and value > maximum:
        errors[name] = _("Please enter a number no larger than %(n)s.", n=maximum)
    return value


def email(form: Mapping[str, str], name: str, errors: Errors, *, required: bool = True) -> str:
    value = clean_text(form.get(name)).lower()
    if not value:
        if required:
            errors[name] = _("This field is required.")
    elif len(value) > 254 or not EMAIL_RE.match(value):
        errors[name] = _("Please enter an email address like name@example.org.")
    return value


def choice(
    form: Mapping[str, str], name: str, errors: Errors, choices: Iterable[str], *, required: bool = True
) -> str:
    value = clean_text(form.get(name))
    if not value:
        if required:
            errors[name] = _("Please choose one.")
    elif value not in set(choices):
        errors[name] = _("Please choose one of the options.")
    return value


def checkbox(form: Mapping[str, str], name: str) -> bool:
    return form.get(name) in ("on", "1", "true", "yes")
