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
    # The ways of verification this cycle's ballots may accept ("roll,in_person,codes";
    # server/verification/paths.py): each ballot then chooses among them.
    verification_paths = Varchar(length=60, default="roll,in_person,codes", null=False)


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
    # Denormalised count of Support rows, recomputed in the same transaction as every support
    # change (with the proposal row locked) so lists can sort by it without a join.
    support_count = Integer(default=0, null=False)


class CoAuthor(Table):
    """Up to three existing accounts who may edit a proposal with its author."""

    proposal = ForeignKey(references=Proposal, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ProposalRevision(Table):
    """A snapshot of a proposal's text after each save, kept for anyone to read: diffs are
    computed between consecutive snapshots when shown."""

    proposal = ForeignKey(references=Proposal, null=False)
    editor = ForeignKey(references=Account, null=False)
    # created (first save), edited, submitted (the save that submitted a draft)
    kind = Varchar(length=20, default="edited", null=False)
    title = Varchar(length=120, null=False)
    summary = Varchar(length=200, null=False)
    description = Text(default="")
    category = Varchar(length=40, null=False)
    estimated_cost = Integer(null=False)
    location = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Support(Table):
    """One resident supporting one proposal; unique on (proposal, account) by index."""

    proposal = ForeignKey(references=Proposal, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Follow(Table):
    """Someone who wants a notification when the proposal's status changes; unique on (proposal, account)."""

    proposal = ForeignKey(references=Proposal, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ReviewDecision(Table):
    """A council decision on a proposal, kept forever and shown publicly.

    `decision`: feasible, not_feasible or merged. `reason` is public (required for not feasible).
    """

    proposal = ForeignKey(references=Proposal, null=False)
    reviewer = ForeignKey(references=Account, null=False)
    decision = Varchar(length=20, null=False)
    reason = Text(default="")
    final_cost = Integer(null=True, default=None)
    ballot_eligible = Boolean(default=False)
    merged_into = ForeignKey(references=Proposal, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
