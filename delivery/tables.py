from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from proposals.tables import Proposal
from server.accounts.tables import Account


class DeliveryItem(Table):
    """A funded project being delivered. `ballot_id` is a plain nullable integer, not a foreign key,
    so this app does not depend on the ballots tables; (ballot_id, proposal) is unique (index in a
    later migration). `status`: planned, in_progress, completed, stalled, cancelled (see rules.py)."""

    ballot_id = Integer(null=True, default=None)
    proposal = ForeignKey(references=Proposal, null=False)
    allocated = Integer(null=False)
    spent = Integer(default=0, null=False)
    status = Varchar(length=20, default="planned", null=False)
    percent_complete = Integer(default=0, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Milestone(Table):
    item = ForeignKey(references=DeliveryItem, null=False)
    name = Varchar(length=200, null=False)
    planned_date = Date(null=False)
    actual_date = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class DeliveryUpdate(Table):
    """A dated public note by council staff: progress, a status change (with its explanation), or a
    setback. The photo, if any, is a random file name under var/uploads with its sniffed type."""

    item = ForeignKey(references=DeliveryItem, null=False)
    author = ForeignKey(references=Account, null=False)
    body = Text(null=False)
    status_from = Varchar(length=20, null=True, default=None)
    status_to = Varchar(length=20, null=True, default=None)
    setback = Boolean(default=False)
    photo_name = Varchar(length=80, null=True, default=None)
    photo_type = Varchar(length=20, null=True, default=None)
    photo_alt = Varchar(length=300, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class DeliveryFollow(Table):
    """A resident following a delivery item; unique per (item, account) through an index."""

    item = ForeignKey(references=DeliveryItem, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
