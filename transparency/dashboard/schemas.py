from __future__ import annotations

import msgspec


class BallotFigure(msgspec.Struct, frozen=True):
    id: int
    title: str
    state: str
    turnout: int | None  # None: fewer than five, not shown
    has_result: bool


class CommitmentFigures(msgspec.Struct, frozen=True):
    """The commitment register against each commitment's first promised date."""

    total: int
    kept_on_time: int
    kept_late: int
    late: int  # still open after the promised date
    dropped: int
    overdue: int  # still open after the current (possibly revised) date


class CycleFigures(msgspec.Struct, frozen=True):
    """The transparency figures of one budget cycle; every one has a list it links to."""

    cycle_id: int
    cycle_name: str
    phase: str
    proposals_received: int
    proposals_feasible: int
    on_ballot: int
    ballots: list[BallotFigure]
    turnout: int
    turnout_suppressed: int  # ballots whose turnout is below five and not added in
    allocated: int
    spent: int
    delivered: int  # allocated money of completed projects
    projects_funded: int
    projects_completed: int
    completed_on_time: int
    overdue_items: int
    allocated_by_neighborhood: list[tuple[str, int]]
