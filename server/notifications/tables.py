from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Notification(Table):
    """An in-app message. The text is rendered at read time from `kind` and `subject`, in the
    reader's language, so nothing here is stored pre-translated."""

    recipient = ForeignKey(references=Account, null=False)
    kind = Varchar(length=60, null=False)
    subject = Varchar(length=300, default="")
    actor = Varchar(length=80, default="")
    url = Text(default="/")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    # When it went out by email (recipients who asked for that); claimed by a conditional update so
    # that several workers never send the same one twice.
    emailed_at = Timestamptz(null=True, default=None)
