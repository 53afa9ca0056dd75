"""Greedy by points: what cities use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ballots.tally.explain import explain
from ballots.tally.model import Election, Project, ProjectOutcome, Result


def greedy(election: Election) -> Result:
    """Fund projects by total points, most first, skipping any that no longer fit.

    Ties in points go to the smaller project id compared as text.
    """
    from ballots.tally.points import total_points

    return greedy_by_points(election.projects, election.budget, total_points(election).tolist())


def greedy_by_points(projects: Sequence[Project], budget: int, totals: Sequence[int]) -> Result:
    """Greedy from each project's total points (indexed like `projects`): no ballots, no numpy."""
    order = sorted(range(len(projects)), key=lambda j: (-int(totals[j]), projects[j].id))
    left = budget
    selected: list[int] = []
    explanations = {}
    for rank, j in enumerate(order, start=1):
        p = projects[j]
        pts = int(totals[j])
        if p.cost <= left:
            left -= p.cost
            selected.append(j)
            explanations[j] = explain("funded", points=pts, rank=rank)
        else:
            explanations[j] = explain("skipped_greedy", points=pts, rank=rank, cost=p.cost, left=left)
    return _result("greedy", projects, budget, selected, totals, explanations)


def make_result(rule: str, election: Election, selected: list[int], totals, explanations) -> Result:
    return _result(rule, election.projects, election.budget, selected, totals, explanations)


def _result(rule: str, projects: Sequence[Project], budget: int, selected: list[int], totals: Sequence[Any],
            explanations) -> Result:
    chosen = set(selected)
    outcomes = [
        ProjectOutcome(id=p.id, cost=p.cost, points=int(totals[j]), selected=j in chosen,
                       explanation=explanations[j])
        for j, p in enumerate(projects)
    ]
    spent = sum(projects[j].cost for j in selected)
    return Result(rule=rule, budget=budget, spent=spent, selected=[projects[j].id for j in selected],
                  projects=outcomes)
