from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class RollImport(Table):
    """One CSV the council imported onto the eligibility roll: who, when, how many rows."""

    imported_by = ForeignKey(references=Account, null=True, default=None)
    imported_at = Timestamptz(default=TimestamptzNow())
    label = Varchar(length=120, default="")
    added = Integer(default=0, null=False)


class RollEntry(Table):
    """A person on the eligibility roll: a keyed hash of their identifier (never the identifier itself,
    server/verification/roll.py), their birth year and neighborhood. `claimed_by` is unique: one entry
    verifies one account, and one account holds one entry, even when two matches race."""

    identifier_hash = Varchar(length=64, unique=True, null=False)
    birth_year = Integer(null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    roll_import = ForeignKey(references=RollImport, null=False)
    claimed_by = ForeignKey(references=Account, null=True, default=None, unique=True)
    claimed_at = Timestamptz(null=True, default=None)


class Verification(Table):
    """Each verification of an account, kept: what it set (neighborhood, birth year), how ("roll": the
    person matched themselves; "in_person": staff or a partner saw them), who (None for the roll) and
    for which organisation, when. No document number: in person, nothing is copied from papers."""

    account = ForeignKey(references=Account, null=False)
    method = Varchar(length=20, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    birth_year = Integer(null=False)
    verified_by = ForeignKey(references=Account, null=True, default=None)
    organisation = Varchar(length=120, default="")
    verified_at = Timestamptz(default=TimestamptzNow())


class Partner(Table):
    """A community organisation, school or faith group's account with the `partner` role."""

    account = ForeignKey(references=Account, null=False, unique=True)
    organisation = Varchar(length=120, null=False)
    added_by = ForeignKey(references=Account, null=True, default=None)
    added_at = Timestamptz(default=TimestamptzNow())


class StaffAction(Table):
    """The log of every verification action by council staff and partners: verifying in person,
    importing a roll, adding or removing a partner. Never what anyone voted."""

    actor = ForeignKey(references=Account, null=True, default=None)
    action = Varchar(length=30, null=False)  # verify_in_person | import_roll | add_partner | remove_partner
    subject = ForeignKey(references=Account, null=True, default=None)
    organisation = Varchar(length=120, default="")
    detail = Varchar(length=200, default="")
    at = Timestamptz(default=TimestamptzNow())
