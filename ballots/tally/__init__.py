"""Counting ranked ballots: greedy by points, Method of Equal Shares (default) and PB-EAR.

Pure: no I/O and nothing from the rest of the project. Build an `Election` (for instance with
`Election.from_ballots`), then `count("mes", election)`.
"""

from __future__ import annotations

from collections.abc import Callable

from ballots.tally.model import Election, Explanation, Project, ProjectOutcome, Result, TallyError

# Each rule's module is imported when the rule is first used: `townsquare tally` counts with one
# rule per process and its speed is measured from process start.
# A progress callback receives the number of passes over the ballots finished so far. Only equal
# shares makes many (one per budget step of its completion); greedy and EAR finish in one.
Progress = Callable[[int], None]


def _mes(election: Election, progress: Progress | None = None) -> Result:
    from ballots.tally.mes import mes

    return mes(election, progress=progress)


def _greedy(election: Election, progress: Progress | None = None) -> Result:
    from ballots.tally.greedy import greedy

    result = greedy(election)
    if progress is not None:
        progress(1)
    return result


def _ear(election: Election, progress: Progress | None = None) -> Result:
    from ballots.tally.ear import ear

    result = ear(election)
    if progress is not None:
        progress(1)
    return result


RULES: dict[str, Callable[..., Result]] = {"mes": _mes, "greedy": _greedy, "ear": _ear}
DEFAULT_RULE = "mes"


def count(rule: str, election: Election, progress: Progress | None = None) -> Result:
    """Count `election` with `rule` (one of RULES). Same input, same output, to the byte."""
    try:
        fn = RULES[rule]
    except KeyError:
        raise TallyError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}") from None
    return fn(election, progress)


def ballot_set_hash(election: Election) -> str:
    """sha256 of a canonical form: budget, points, projects by id, ballots sorted and merged (order-free)."""
    import hashlib

    ids = [p.id for p in election.projects]
    h = hashlib.sha256()
    h.update(f"townsquare-ballots-v1\nbudget={election.budget}\npoints={list(election.points)}\n".encode())
    for p in sorted(election.projects, key=lambda p: p.id):
        h.update(f"project {len(p.id)}:{p.id} {p.cost}\n".encode())
    # Identical rankings are summed first, so one ballot with weight 2 and two ballots of weight 1
    # (the app merges duplicates, an open-data file lists each ballot) give the same hash.
    totals: dict[str, int] = {}
    for row, w in zip(election.rankings.tolist(), election.weights.tolist(), strict=True):
        key = "\t".join(ids[j] for j in row if j >= 0)
        totals[key] = totals.get(key, 0) + int(w)
    for key in sorted(totals):
        h.update(f"{key}\t*{totals[key]}\n".encode())
    return h.hexdigest()


__all__ = ["DEFAULT_RULE", "RULES", "Election", "Explanation", "Progress", "Project", "ProjectOutcome", "Result",
           "TallyError", "ballot_set_hash", "count"]
