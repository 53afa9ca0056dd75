from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Report(Table):
    """One person's report of one item. A unique index on (content_kind, content_id, reporter)
    keeps it to one report per person per item."""

    content_kind = Varchar(length=30, null=False)
    content_id = Integer(null=False)
    reporter = ForeignKey(references=Account, null=False)
    reason = Varchar(length=20, null=False)  # spam | offensive | off_topic | personal_data
    created_at = Timestamptz(default=TimestamptzNow())


class ModerationState(Table):
    """Moderation state of any content, keyed by (content_kind, content_id) so that the domains
    owning the content need no extra columns. No row means visible and never reported.

    `status`: visible (reported, under the threshold), pending (hidden automatically after enough
    reports, awaiting review), hidden (hidden by a moderator), restored (reviewed and kept visible).
    """

    content_kind = Varchar(length=30, null=False)
    content_id = Integer(null=False)
    status = Varchar(length=20, default="visible", null=False)
    reason = Varchar(length=20, default="")  # a report reason chosen by the moderator who hid it
    report_count = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class ModerationAction(Table):
    """The moderation log: every hide, restore, block and unblock, with who, when and why."""

    content_kind = Varchar(length=30, default="")
    content_id = Integer(default=0)
    action = Varchar(length=20, null=False)  # hide | restore | block | unblock
    category = Varchar(length=20, default="")
    reason = Text(null=False)
    moderator = ForeignKey(references=Account, null=False)
    target_account = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
