"""The one tie rule every counting rule uses.

When a rule has to choose between projects it cannot otherwise tell apart (equal points in greedy,
equal price per point in equal shares, reaching the needed support in the same step of PB-EAR), it
takes first the project with more points, then the cheaper one, then the one with the lower project
number, compared as a number (project 9 before project 11). Ids that are not whole numbers (only
possible in files from elsewhere) come after every numbered project, in alphabetical order.
"""

from __future__ import annotations

from collections.abc import Sequence

TIE_RULE = ("Ties are broken the same way by every rule: the project with more points first, then the "
            "cheaper project, then the lower project number (compared as a number, so 9 comes before 11).")


def id_key(pid: str) -> tuple[int, int, str]:
    s = pid.strip()
    if s.isascii() and s.isdigit():
        return (0, int(s), s)
    return (1, 0, s)


def tie_key(points: int, cost: int, pid: str) -> tuple[int, int, tuple[int, int, str]]:
    """Sort key: the project that wins a tie sorts first."""
    return (-int(points), int(cost), id_key(pid))


def tie_order(ids: Sequence[str], costs: Sequence[int], points: Sequence[int]) -> list[int]:
    """Indices of all projects in tie-rule order (most points first)."""
    return sorted(range(len(ids)), key=lambda j: tie_key(points[j], costs[j], ids[j]))


def decided_by(winner: tuple[int, int, str], loser: tuple[int, int, str]) -> str:
    """Which part of the tie rule separated two projects given as (points, cost, id):
    "points", "cost" or "number"."""
    if winner[0] != loser[0]:
        return "points"
    if winner[1] != loser[1]:
        return "cost"
    return "number"
