from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.neighborhoods.tables import Neighborhood


class Account(Table):
    """A person who signs in. Youth is not a role: ballots derive it from `birth_year`."""

    display_name = Varchar(length=80, null=False)
    # Stored lower-cased so that sign-in and uniqueness ignore case.
    email = Varchar(length=254, unique=True, null=False)
    password_hash = Varchar(length=255, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    birth_year = Integer(null=False)
    role = Varchar(length=20, default="resident", null=False)
    locale = Varchar(length=10, null=True, default=None)
    blocked = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
