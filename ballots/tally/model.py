"""Value types shared by every counting rule.

Ballots are kept as two numpy arrays rather than one object per voter: a city-wide vote has
100,000 ballots and the rules work on them column by column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# numpy is imported where it is used: greedy counting from the command line never needs it.


class TallyError(ValueError):
    """The election cannot be counted as given (unknown project, duplicate rank, ...)."""


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: int
    name: str = ""


@dataclass(frozen=True, eq=False)
class Election:
    """Everything a rule needs, already validated.

    `rankings[i]` lists the indices (into `projects`) ranked by ballot i, most preferred first,
    padded with -1. `points[r]` is what rank r+1 is worth; an unranked project is worth 0.
    """

    projects: tuple[Project, ...]
    budget: int
    rankings: np.ndarray
    weights: np.ndarray
    points: tuple[int, ...]
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def max_length(self) -> int:
        return int(self.rankings.shape[1])

    @property
    def num_voters(self) -> int:
        return int(self.weights.sum())

    @classmethod
    def from_ballots(
        cls,
        projects: Iterable[Project | tuple[str, int]],
        budget: int,
        ballots: Iterable[Sequence[str]],
        weights: Iterable[int] | None = None,
        points: Sequence[int] | None = None,
        max_length: int | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> Election:
        """Build an election from plain Python values (what the web app holds in memory)."""
        import numpy as np

        projs = tuple(p if isinstance(p, Project) else Project(str(p[0]), p[1]) for p in projects)
        index = project_index(projs)
        rows = [list(b) for b in ballots]
        k = max_length if max_length is not None else max((len(r) for r in rows), default=0)
        if points is not None and max_length is None:
            k = max(k, len(points))
        rankings = np.full((len(rows), k), -1, dtype=np.int32)
        for i, row in enumerate(rows):
            if len(row) > k:
                raise TallyError(f"ballot {i + 1} ranks {len(row)} projects, at most {k} allowed")
            for r, pid in enumerate(row):
                j = index.get(str(pid))
                if j is None:
                    raise TallyError(f"ballot {i + 1} names unknown project {pid!r}")
                rankings[i, r] = j
        w = np.ones(len(rows), dtype=np.int64) if weights is None else np.asarray(list(weights), np.int64)
        return cls.build(projs, budget, rankings, w, points, meta)

    @classmethod
    def build(
        cls,
        projects: tuple[Project, ...],
        budget: int,
        rankings: np.ndarray,
        weights: np.ndarray,
        points: Sequence[int] | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> Election:
        """Validate arrays and fill in the default points (K, K-1, ..., 1)."""
        import numpy as np

        project_index(projects)
        if not isinstance(budget, int) or budget < 0:
            raise TallyError(f"budget must be a non-negative integer, got {budget!r}")
        for p in projects:
            if not isinstance(p.cost, int) or p.cost < 0:
                raise TallyError(f"project {p.id}: cost must be a non-negative integer, got {p.cost!r}")
        rankings = np.ascontiguousarray(rankings, dtype=np.int32)
        if rankings.ndim != 2:
            raise TallyError("rankings must be a two-dimensional array")
        n, k = rankings.shape
        weights = np.ascontiguousarray(weights, dtype=np.int64)
        if weights.shape != (n,):
            raise TallyError("there must be one weight per ballot")
        if n and int(weights.min()) <= 0:
            raise TallyError(f"ballot {int(np.argmin(weights)) + 1}: weight must be a positive integer")
        pts = tuple(range(k, 0, -1)) if points is None else tuple(int(x) for x in points)
        if len(pts) != k:
            raise TallyError(f"points must give one value per rank ({k}), got {len(pts)}")
        if any(x < 0 for x in pts):
            raise TallyError("points must not be negative")
        check_rankings(rankings, len(projects))
        if n and int(weights.sum()) * max(max(pts, default=1), 1) >= 2**53:
            # Sums of weighted points are taken in float64 in places; keep them exact.
            raise TallyError("total weight times points must stay below 2**53")
        return cls(projects, budget, rankings, weights, pts, dict(meta or {}))


def project_index(projects: Sequence[Project]) -> dict[str, int]:
    index: dict[str, int] = {}
    for j, p in enumerate(projects):
        if p.id in index:
            raise TallyError(f"project id {p.id!r} appears twice")
        index[p.id] = j
    return index


def check_rankings(rankings: np.ndarray, num_projects: int) -> None:
    """Reject out-of-range indices, gaps in a ranking and a project ranked twice on one ballot."""
    import numpy as np

    if rankings.size == 0:
        return
    if int(rankings.max()) >= num_projects or int(rankings.min()) < -1:
        raise TallyError("a ballot refers to a project that does not exist")
    filled = rankings >= 0
    gap = ~filled[:, :-1] & filled[:, 1:]
    if gap.any():
        raise TallyError(f"ballot {int(np.nonzero(gap.any(axis=1))[0][0]) + 1} has a gap in its ranking")
    s = np.sort(rankings, axis=1)
    dup = (s[:, 1:] == s[:, :-1]) & (s[:, 1:] >= 0)
    if dup.any():
        raise TallyError(f"ballot {int(np.nonzero(dup.any(axis=1))[0][0]) + 1} ranks a project twice")


# The result types are plain dataclasses rather than msgspec Structs: `townsquare tally --rule
# greedy` must answer in under 0.2 s from process start, and importing msgspec is a tenth of that.
# msgspec encodes dataclasses the same way where the app stores or serves results.


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a project was or was not funded: a code and parameters to translate, plus English text."""

    code: str
    params: dict[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    id: str
    cost: int
    points: int
    selected: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Result:
    rule: str
    budget: int
    spent: int
    selected: list[str]
    projects: list[ProjectOutcome]
    # The tie rule in English (ballots/tally/ties.py) and how the rule's outcome was completed:
    # {"method": "none"} for greedy, else "budget_increase" with the steps taken (see DESIGN.md).
    tie_rule: str = ""
    completion: dict[str, Any] = field(default_factory=dict)

    def to_builtins(self) -> dict[str, Any]:
        """Plain dicts, lists, strings and numbers, fields in declaration order (as msgspec would give)."""
        return {
            "rule": self.rule, "budget": self.budget, "spent": self.spent, "selected": list(self.selected),
            "projects": [{"id": p.id, "cost": p.cost, "points": p.points, "selected": p.selected,
                          "explanation": {"code": p.explanation.code, "params": _plain(p.explanation.params),
                                          "text": p.explanation.text}} for p in self.projects],
            "tie_rule": self.tie_rule, "completion": _plain(self.completion),
        }

    def outcome(self, project_id: str) -> ProjectOutcome:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


def _plain(value: Any) -> Any:
    """Explanation parameters as JSON-ready values (they hold dicts, lists, str, int and bool)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
