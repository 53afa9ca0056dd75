from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ballots.tables import Ballot


class CountRun(Table):
    """One count of one closed ballot with one rule over one exact set of ballots.

    A unique index on (ballot, rule, ballot_set_hash) means the same ballot set is never counted
    twice, even when several server processes notice the closed ballot at the same moment: the
    first to insert its "running" row does the work, the others find that row."""

    ballot = ForeignKey(references=Ballot, null=False)
    rule = Varchar(length=10, null=False)
    ballot_set_hash = Varchar(length=64, null=False)
    tie_break = Text(default="")
    status = Varchar(length=10, default="running", null=False)  # running, done, failed
    ballots_counted = Integer(default=0)
    # The tally's result as JSON (the same shape as `townsquare tally --json`).
    result = Text(default="")
    error = Text(default="")
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    # Progress for council staff: passes over the ballots finished so far (equal shares makes one
    # per budget step). The counting process also stamps `heartbeat_at` while it works, so a count
    # whose process died (killed worker, restart) is seen as abandoned and started again.
    passes = Integer(default=0)
    heartbeat_at = Timestamptz(null=True, default=None)
