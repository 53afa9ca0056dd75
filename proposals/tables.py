from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class BudgetCycle(Table):
    """A year or season of participatory budgeting. Each phase runs from its start date until the
    next phase starts; which one is open follows from the dates alone (see proposals/phases.py)."""

    name = Varchar(length=120, null=False)
    ideas_open = Date(null=False)
    deliberation_open = Date(null=False)
    review_open = Date(null=False)
    voting_open = Date(null=False)
    results_open = Date(null=False)
    delivery_open = Date(null=False)
    delivery_close = Date(null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Proposal(Table):
    """A safety project proposed by residents for their neighborhood's fund.

    `status`: draft, submitted, feasible, not_feasible, merged, withdrawn. Ballots take proposals
    that are feasible and `ballot_eligible`, at their `final_cost`.
    """

    cycle = ForeignKey(references=BudgetCycle, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    author = ForeignKey(references=Account, null=False)
    title = Varchar(length=120, null=False)
    summary = Varchar(length=200, null=False)
    description = Text(default="")
    category = Varchar(length=40, null=False)
    estimated_cost = Integer(null=False)
    location = Varchar(length=200, default="")
    status = Varchar(length=20, default="draft", null=False)
    final_cost = Integer(null=True, default=None)
    ballot_eligible = Boolean(default=False)
    merged_into = ForeignKey(references="self", null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
