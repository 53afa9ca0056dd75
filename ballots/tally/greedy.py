"""Greedy by points: what cities use. Also the last step of every other rule's completion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ballots.tally.explain import explain
from ballots.tally.model import Election, Explanation, Project, ProjectOutcome, Result
from ballots.tally.ties import TIE_RULE, decided_by, tie_order


def greedy(election: Election) -> Result:
    """Fund projects by total points, most first, skipping any that no longer fit (ties: `ties.py`)."""
    from ballots.tally.points import total_points

    return greedy_by_points(election.projects, election.budget, total_points(election).tolist())


def greedy_by_points(projects: Sequence[Project], budget: int, totals: Sequence[int]) -> Result:
    """Greedy from each project's total points (indexed like `projects`): no ballots, no numpy."""
    order = tie_order([p.id for p in projects], [p.cost for p in projects], [int(t) for t in totals])
    steps, ties, _ = fill(projects, totals, order, budget)
    explanations = {}
    selected: list[int] = []
    for rank, (j, funded, left) in enumerate(steps, start=1):
        extra = {"tie": ties[j]} if j in ties else {}
        pts = int(totals[j])
        if funded:
            selected.append(j)
            explanations[j] = explain("funded", points=pts, rank=rank, **extra)
        else:
            explanations[j] = explain("skipped_greedy", points=pts, rank=rank, cost=projects[j].cost, left=left,
                                      **extra)
    return _result("greedy", projects, budget, selected, totals, explanations, {"method": "none"})


def fill(projects: Sequence[Project], totals: Sequence[Any], order: Iterable[int],
         left: int) -> tuple[list[tuple[int, bool, int]], dict[int, dict[str, Any]], int]:
    """Take projects in `order` while they fit in `left`.

    Returns the steps (project, funded, what was left when its turn came), the ties that decided
    something (a project left out that would have fitted had an equal-points project before it not
    been taken; both sides are named) and what is left at the end.
    """
    steps: list[tuple[int, bool, int]] = []
    funded_at: dict[int, list[tuple[int, int]]] = {}  # points -> [(project, left before it)]
    ties: dict[int, dict[str, Any]] = {}
    for j in order:
        cost, pts = projects[j].cost, int(totals[j])
        if cost <= left:
            steps.append((j, True, left))
            funded_at.setdefault(pts, []).append((j, left))
            left -= cost
            continue
        steps.append((j, False, left))
        winners = [w for w, before in funded_at.get(pts, []) if cost <= before]
        if winners:
            w0 = projects[winners[0]]
            by = decided_by((pts, w0.cost, w0.id), (pts, cost, projects[j].id))
            ties[j] = {"with": [projects[w].id for w in winners], "won": False, "decided_by": by}
            for w in winners:
                t = ties.setdefault(w, {"with": [], "won": True,
                                        "decided_by": decided_by((pts, projects[w].cost, projects[w].id),
                                                                 (pts, cost, projects[j].id))})
                t["with"].append(projects[j].id)
    return steps, ties, left


def make_result(rule: str, election: Election, selected: list[int], totals, explanations,
                completion: dict[str, Any] | None = None) -> Result:
    return _result(rule, election.projects, election.budget, selected, totals, explanations, completion)


def complete_by_points(election: Election, totals: Sequence[Any], selected: list[int],
                       explanations: dict[int, Explanation],
                       unfunded: Callable[[int, int, dict[str, Any]], Explanation]) -> None:
    """The last step of a completion: fill what is left greedily by points (tie rule of `ties.py`).
    Appends to `selected`, sets `explanations` for every project not yet explained; `unfunded`
    explains a project that did not fit, from (project, what was left, tie or {})."""
    projects = election.projects
    taken = set(selected)
    order = [j for j in tie_order([p.id for p in projects], [p.cost for p in projects], [int(t) for t in totals])
             if j not in taken]
    left = election.budget - sum(projects[j].cost for j in selected)
    steps, ties, _ = fill(projects, totals, order, left)
    for j, funded, before in steps:
        extra = {"tie": ties[j]} if j in ties else {}
        if funded:
            selected.append(j)
            explanations[j] = explain("funded_completion", points=int(totals[j]), left=before, **extra)
        else:
            explanations[j] = unfunded(j, before, extra)


def _result(rule: str, projects: Sequence[Project], budget: int, selected: list[int], totals: Sequence[Any],
            explanations, completion: dict[str, Any] | None = None) -> Result:
    chosen = set(selected)
    outcomes = [
        ProjectOutcome(id=p.id, cost=p.cost, points=int(totals[j]), selected=j in chosen,
                       explanation=explanations[j])
        for j, p in enumerate(projects)
    ]
    spent = sum(projects[j].cost for j in selected)
    return Result(rule=rule, budget=budget, spent=spent, selected=[projects[j].id for j in selected],
                  projects=outcomes, tie_rule=TIE_RULE, completion=completion or {"method": "none"})
