"""Points per (ballot, rank) and per project."""

from __future__ import annotations

import numpy as np

from ballots.tally.model import Election


def rank_points(election: Election) -> np.ndarray:
    """Points each ballot gives at each rank (0 where the rank is empty), int64, shape (n, K)."""
    pts = np.asarray(election.points, dtype=np.int64)
    return np.where(election.rankings >= 0, pts[None, :], 0)


def total_points(election: Election) -> np.ndarray:
    """Weighted points per project, int64, indexed like `election.projects`."""
    r = election.rankings
    m = len(election.projects)
    if r.size == 0:
        return np.zeros(m, dtype=np.int64)
    contrib = rank_points(election) * election.weights[:, None]
    mask = r >= 0
    # np.bincount sums in float64; integers stay exact below 2**53, far above any real vote.
    out = np.bincount(r[mask], weights=contrib[mask], minlength=m)
    return out.astype(np.int64)


def points_order(election: Election, totals: np.ndarray) -> list[int]:
    """Project indices by points (most first), ties by the one tie rule (`ties.py`)."""
    from ballots.tally.ties import tie_order

    ps = election.projects
    return tie_order([p.id for p in ps], [p.cost for p in ps], [int(t) for t in totals])
