from __future__ import annotations

import datetime as dt

import msgspec


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

    def explanation(self, project: ProjectCount, currency: str) -> str:
        from ballots.counting.explanations import explain

        return explain(project.explanation_code, project.explanation_params, currency)

    @property
    def tie_break_text(self) -> str:
        from ballots.counting.explanations import tie_break_text

        return tie_break_text(self.rule)

    @property
    def funded(self) -> list[ProjectCount]:
        return sorted((p for p in self.projects if p.selected), key=lambda p: p.chosen_rank or 0)

    @property
    def not_funded(self) -> list[ProjectCount]:
        return sorted((p for p in self.projects if not p.selected), key=lambda p: -p.points)
