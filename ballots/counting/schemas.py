from __future__ import annotations

import datetime as dt

import msgspec
from markupsafe import Markup


class ProjectCount(msgspec.Struct, frozen=True):
    proposal_id: int
    title: str
    cost: int
    points: int
    selected: bool
    # 1-based position in the order the rule chose projects; None for projects not funded.
    chosen_rank: int | None
    explanation_code: str
    explanation_params: dict[str, object]
    explanation_text: str


class Withdrawn(msgspec.Struct, frozen=True):
    """A project of this ballot funded by a ballot decided before it: it left this ballot's count."""

    proposal_id: int
    title: str
    ballot_id: int
    ballot_title: str


class CountView(msgspec.Struct, frozen=True):
    id: int
    ballot_id: int
    rule: str
    ballot_set_hash: str
    tie_break: str
    status: str
    ballots_counted: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    error: str
    budget: int = 0
    spent: int = 0
    projects: list[ProjectCount] = []
    # Passes over the ballots finished so far (see CountRun.passes).
    passes: int = 0
    # How the rule's outcome was completed (ballots/tally: {"method": "none"} or "budget_increase"
    # with its figures); empty for counts stored before completion was recorded.
    completion: dict[str, object] = {}
    withdrawn: list[Withdrawn] = []

    def explanation(self, project: ProjectCount, currency: str) -> Markup:
        from ballots.counting.explanations import explain

        titles = {str(p.proposal_id): p.title for p in self.projects}
        return explain(project.explanation_code, project.explanation_params, currency, titles)

    @property
    def tie_break_text(self) -> str:
        from ballots.counting.explanations import tie_break_text

        return tie_break_text(self.rule)

    def completion_text(self, currency: str) -> str:
        from ballots.counting.explanations import completion_text

        return completion_text(self.rule, self.completion, currency)

    @property
    def funded(self) -> list[ProjectCount]:
        return sorted((p for p in self.projects if p.selected), key=lambda p: p.chosen_rank or 0)

    @property
    def not_funded(self) -> list[ProjectCount]:
        return sorted((p for p in self.projects if not p.selected), key=lambda p: -p.points)
