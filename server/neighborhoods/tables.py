from piccolo.columns import Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Neighborhood(Table):
    """A place with its own safety fund; retired ones stay for history but take no new residents."""

    name = Varchar(length=120, unique=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    retired_at = Timestamptz(null=True, default=None)
