from piccolo.columns import ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ballots.counting.tables import CountRun
from ballots.tables import Ballot
from server.accounts.tables import Account


class ResultPublication(Table):
    """A published result. Never updated: a correction is a new row with the next version and a
    reason, and every version stays readable. The open-data ballot file and the result are stored as
    they were at publication, so a later change to the ballots cannot change what was published."""

    ballot = ForeignKey(references=Ballot, null=False)
    count_run = ForeignKey(references=CountRun, null=False)
    version = Integer(null=False)
    statement = Text(null=False)
    correction_reason = Text(default="")
    published_by = ForeignKey(references=Account, null=True, default=None)
    published_at = Timestamptz(default=TimestamptzNow())
    # Snapshots: the anonymous ballots as a pabulib .pb file (with the selected column), and the
    # counted result as JSON with project titles.
    pb_file = Text(null=False)
    result_json = Text(null=False)
