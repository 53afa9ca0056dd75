"""The eligibility roll: reading the council's CSV and hashing identifiers. No I/O.

Only a keyed hash of each identifier is stored (HMAC-SHA256 under a key derived from SECRET_KEY):
a copy of the database does not hold anyone's resident or document number, and without the key
the hashes cannot be checked against a list of guessed numbers either."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Mapping

import msgspec

from server.i18n import gettext as _

COLUMNS = ("identifier", "birth_year", "neighborhood")
MAX_ROWS = 200_000
MAX_IDENTIFIER = 64
OLDEST_BIRTH_YEAR = 1900
_KEY_CONTEXT = b"townsquare eligibility roll v1"
_SEPARATORS = re.compile(r"[\s\-./]+")


class RollRow(msgspec.Struct, frozen=True):
    row: int  # in the file, for errors found later (a conflict with the roll already imported)
    identifier_hash: str
    birth_year: int
    neighborhood_id: int


class RowError(msgspec.Struct, frozen=True):
    """A problem with one cell: `row` counts lines of the file as a spreadsheet shows them (the
    header is row 1); `column` is the header's name ("" for the whole row or file)."""

    row: int
    column: str
    message: str


def roll_key(secret_key: str) -> bytes:
    """The roll's own key, so that no other use of SECRET_KEY produces the same hashes."""
    return hmac.new(secret_key.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def normalize_identifier(typed: str) -> str:
    """The same number typed as on the card, in lower case, or with spaces and dashes matches."""
    return _SEPARATORS.sub("", typed).upper()


def identifier_hash(key: bytes, typed: str) -> str:
    return hmac.new(key, normalize_identifier(typed).encode(), hashlib.sha256).hexdigest()


def parse_roll(text: str, neighborhoods: Mapping[str, int], this_year: int, key: bytes
               ) -> tuple[list[RollRow], list[RowError]]:
    """Every row of the file, or every problem found in it (never some rows and some errors: the
    import is all or nothing). `neighborhoods` maps names, compared without case, to ids."""
    by_name = {name.strip().casefold(): hood_id for name, hood_id in neighborhoods.items()}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().casefold() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, c, _("The first row must name this column.")) for c in missing]
    where = {c: header.index(c) for c in COLUMNS}
    rows: list[RollRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, as spreadsheets often leave at the end
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(number, "", _("The file has too many rows (at most %(n)s).", n=MAX_ROWS)))
            break
        value = {c: (cells[i].strip() if i < len(cells) else "") for c, i in where.items()}
        row_errors: list[RowError] = []
        identifier = normalize_identifier(value["identifier"])
        if not identifier:
            row_errors.append(RowError(number, "identifier", _("This cell is empty.")))
        elif len(identifier) > MAX_IDENTIFIER:
            row_errors.append(RowError(number, "identifier", _("This identifier is too long.")))
        elif identifier in seen:
            row_errors.append(RowError(number, "identifier", _(
                "The same identifier is already on row %(row)s.", row=seen[identifier])))
        year = int(value["birth_year"]) if value["birth_year"].isdigit() else None
        if year is None or not OLDEST_BIRTH_YEAR <= year <= this_year:
            row_errors.append(RowError(number, "birth_year", _(
                "Please give a year between %(low)s and %(high)s.", low=OLDEST_BIRTH_YEAR, high=this_year)))
        hood = by_name.get(value["neighborhood"].casefold())
        if hood is None:
            row_errors.append(RowError(number, "neighborhood", _("No neighborhood has this name.")))
        if identifier:
            seen.setdefault(identifier, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert year is not None and hood is not None
        rows.append(RollRow(number, identifier_hash(key, identifier), year, hood))
    if not rows and not errors:
        errors.append(RowError(2, "", _("The file has no rows under its header.")))
    return ([] if errors else rows), errors
