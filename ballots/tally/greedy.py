"""Greedy by points: what cities use."""

from __future__ import annotations

from ballots.tally.explain import explain
from ballots.tally.model import Election, ProjectOutcome, Result
from ballots.tally.points import points_order, total_points


def greedy(election: Election) -> Result:
    """Fund projects by total points, most first, skipping any that no longer fit.

    Ties in points go to the smaller project id compared as text.
    """
    totals = total_points(election)
    order = points_order(election, totals)
    left = election.budget
    selected: list[int] = []
    explanations = {}
    for rank, j in enumerate(order, start=1):
        p = election.projects[j]
        pts = int(totals[j])
        if p.cost <= left:
            left -= p.cost
            selected.append(j)
            explanations[j] = explain("funded", points=pts, rank=rank)
        else:
            explanations[j] = explain("skipped_greedy", points=pts, rank=rank, cost=p.cost, left=left)
    return make_result("greedy", election, selected, totals, explanations)


def make_result(rule: str, election: Election, selected: list[int], totals, explanations) -> Result:
    chosen = set(selected)
    outcomes = [
        ProjectOutcome(id=p.id, cost=p.cost, points=int(totals[j]), selected=j in chosen,
                       explanation=explanations[j])
        for j, p in enumerate(election.projects)
    ]
    spent = sum(election.projects[j].cost for j in selected)
    return Result(rule=rule, budget=election.budget, spent=spent,
                  selected=[election.projects[j].id for j in selected], projects=outcomes)
