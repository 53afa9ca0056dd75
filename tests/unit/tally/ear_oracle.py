"""A plain, exact PB-EAR with its completion: the oracle the fast engine is checked against.

Written for reading, not speed: one Fraction weight per ballot, every support recounted from
scratch at every step, the tie rule spelled out again here (more points, then lower cost, then
lower project number as a number). It shares nothing with ballots/tally/ear.py.
"""

from __future__ import annotations

from fractions import Fraction


def _tie(pid: str, cost: int, points: int):
    number = (0, int(pid), pid) if pid.isascii() and pid.isdigit() else (1, 0, pid)
    return (-points, cost, number)


def points_of(projects: dict[str, int], ballots: list[tuple[list[str], int]], k: int) -> dict[str, int]:
    pts = {p: 0 for p in projects}
    for ranking, weight in ballots:
        for r, p in enumerate(ranking):
            pts[p] += (k - r) * weight
    return pts


def ear_run(projects: dict[str, int], ballots: list[tuple[list[str], int]], rule_budget: Fraction,
            points: dict[str, int], trace: dict | None = None) -> list[str]:
    """One run at `rule_budget`. With `trace` (a dict), records for checking explanations:
    trace["steps"] = [(project, depth, support)], trace["last"][p] = (depth, support) when the rule
    last counted p's support."""
    n = sum(w for _, w in ballots)
    if n == 0:
        return []
    weights = [Fraction(w) for _, w in ballots]
    quota = {p: (n * c / rule_budget if rule_budget else Fraction(0)) for p, c in projects.items()}
    longest = max(len(r) for r, _ in ballots)
    chosen: list[str] = []
    left = rule_budget
    available = set(projects)
    depth = 1
    if trace is not None:
        trace.update(steps=[], last={})
    while True:
        support = {p: Fraction(0) for p in available}
        for i, (r, _) in enumerate(ballots):
            for p in r[:depth]:
                if p in support:
                    support[p] += weights[i]
        if trace is not None:
            trace["last"].update({p: (depth, support[p]) for p in available})
        available = {p for p in available if projects[p] <= left}
        if not available:
            break
        reached = [p for p in available if support[p] >= quota[p]]
        if not reached:
            if depth >= longest:
                break
            depth += 1
            continue
        c = min(reached, key=lambda p: _tie(p, projects[p], points[p]))
        chosen.append(c)
        if trace is not None:
            trace["steps"].append((c, depth, support[c]))
        available.discard(c)
        left -= projects[c]
        if support[c] > 0:
            keep = 1 - quota[c] / support[c]
            for i, (r, _) in enumerate(ballots):
                if c in r[:depth]:
                    weights[i] *= keep
    return chosen


def ear_completed(projects: dict[str, int], budget: int, ballots: list[tuple[list[str], int]], k: int,
                  step: Fraction = Fraction(1, 100)) -> list[str]:
    """EAR at budgets B(1 + i step), i = 0, 1, ...: keep the last outcome within B, stopping early
    at one that leaves no room for another project or funds every ranked project; then greedy."""
    points = points_of(projects, ballots, k)
    n = sum(w for _, w in ballots)
    ranked = {p for r, _ in ballots for p in r}
    kept: list[str] = []
    i = 0
    while n and i <= n / step:
        outcome = ear_run(projects, ballots, budget * (1 + i * step), points)
        spent = sum(projects[p] for p in outcome)
        if spent > budget:
            break
        kept = outcome
        if all(c > budget - spent for p, c in projects.items() if p not in outcome):
            break
        if ranked <= set(outcome) or budget == 0:
            break
        i += 1
    return greedy_fill(projects, budget, points, kept)


def greedy_fill(projects: dict[str, int], budget: int, points: dict[str, int], chosen: list[str]) -> list[str]:
    out = list(chosen)
    left = budget - sum(projects[p] for p in out)
    for p in sorted(projects, key=lambda p: _tie(p, projects[p], points[p])):
        if p not in out and projects[p] <= left:
            out.append(p)
            left -= projects[p]
    return out
