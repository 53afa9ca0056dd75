"""PB-EAR, the expanding approvals rule of Aziz and Lee (AAAI 2021), completed as equal shares is.

One run of the rule at a budget B': every voter starts with weight 1 (times how many cast the same
ballot); the quota of project c is n x cost(c) / B'. With each voter's top d choices counted
(d = 1 first), the support of c is the weight of the voters who rank c among their top d. While a
project that still fits in what is left of B' has support at least its quota, the first of them by
the tie rule (`ties.py`) is funded and its supporters' weights shrink in proportion so that they
give up exactly its quota in total; when none reaches its quota, d grows by one; the run ends when
nothing fits or every rank is counted. This is pabutools' `pb_ear` step for step, except that
pabutools depends on set iteration order among projects that reach their quota together and
rounds and truncates its arithmetic.

Completion (DESIGN.md): rerun with B' = B x (1 + k/100) for k = 0, 1, 2, ... and keep the last
outcome that fits the real budget B (or the first that leaves no room for another project), then
fill what is left greedily by points: pabutools' `exhaustion_by_budget_increase` followed by
`completion_by_rule_combination` with greedy, as for equal shares.

Two engines compute a run. `run_fast` works in float64 on groups of identical ballots and keeps
each project's support up to date incrementally (only the voters whose weight changed are
touched), so a run costs a few passes over the ballots and the completion's dozens of runs stay
well under a second on a city. It refuses (raises `Uncertain`) whenever a support is within
`TOL` of its quota, far above the accumulated float error; `run_exact` then settles the run in
exact fractions. Which project is funded among those that reached their quota is decided by the
tie rule, never by comparing floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ballots.tally.explain import explain, money
from ballots.tally.greedy import complete_by_points, make_result
from ballots.tally.model import Election, Explanation, Result
from ballots.tally.points import total_points
from ballots.tally.ties import decided_by, tie_order

DEFAULT_STEP = Fraction(1, 100)
TOL = 1e-9


class Uncertain(Exception):
    """A float comparison of a support with its quota was too close to call."""


@dataclass
class EarStep:
    project: int
    depth: int
    support: Fraction | float
    reached: list[int]  # every project that had reached its quota at this step, the funded one first
    reduction_integral: bool = True  # exact engine only: pabutools truncates non-integral reductions
    closest_gap: Fraction = Fraction(0)  # exact engine only: smallest nonzero |support - quota|

    @property
    def tied(self) -> int:
        return len(self.reached)


@dataclass
class EarRun:
    rule_budget: Fraction
    steps: list[EarStep] = field(default_factory=list)
    # Per project not funded: (depth, support) when the rule last looked at it, and what was
    # left of the rule's budget if it was dropped because it no longer fitted.
    last: dict[int, tuple[int, Fraction | float]] = field(default_factory=dict)
    dropped_left: dict[int, Fraction] = field(default_factory=dict)
    # Per project that reached its quota but lost the tie and was never funded: (step, support, winner).
    lost_tie: dict[int, tuple[int, Fraction | float, int]] = field(default_factory=dict)

    @property
    def selected(self) -> list[int]:
        return [s.project for s in self.steps]


@dataclass
class Prepared:
    n: int
    ids: list[str]
    cost: list[int]
    points: list[int]
    rank: list[int]  # place in the tie rule's order
    max_rank: int
    rows: np.ndarray  # one ranking per group of identical ballots
    gw: np.ndarray  # voters per group (int64)
    sup_g: list[np.ndarray]  # per project: groups ranking it
    sup_pos: list[np.ndarray]  # and at which position (0 = first choice)
    gwf: np.ndarray = field(default_factory=lambda: np.zeros(0))  # gw as float64
    first_support: np.ndarray = field(default_factory=lambda: np.zeros(0))  # support at depth 1, weight 1
    # Per column d: (groups ranking someone there, whom): the additions when depth reaches d + 1.
    columns: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _takers: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def takers(self, c: int, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The groups ranking c among their top `depth`, and every (taker, project) pair in those
        top ranks as two flat arrays (position in the takers, project): what a reduction touches."""
        key = (c, depth)
        got = self._takers.get(key)
        if got is None:
            g = self.sup_g[c][self.sup_pos[c] < depth]
            sub = self.rows[g, :depth]
            who, col = np.nonzero(sub >= 0)
            got = self._takers[key] = (g, who, sub[who, col])
        return got


def prepare(election: Election) -> Prepared:
    r = election.rankings.astype(np.int64)
    w = election.weights.astype(np.int64)
    m = len(election.projects)
    n, k = r.shape
    if n and k:
        _, first, inverse = np.unique(r, axis=0, return_index=True, return_inverse=True)
        rows = r[first]
        gw = np.bincount(inverse.reshape(-1), weights=w, minlength=len(rows)).astype(np.int64)
    else:
        rows, gw = r, w
    mask = rows >= 0
    group, pos = np.nonzero(mask)
    proj = rows[mask]
    order = np.argsort(proj, kind="stable")
    group, pos, proj = group[order], pos[order], proj[order]
    bounds = np.searchsorted(proj, np.arange(m + 1)).tolist()
    sup_g = [group[bounds[j]:bounds[j + 1]] for j in range(m)]
    sup_pos = [pos[bounds[j]:bounds[j + 1]] for j in range(m)]
    totals = total_points(election).tolist()
    ids = [p.id for p in election.projects]
    cost = [p.cost for p in election.projects]
    rank = [0] * m
    for place, j in enumerate(tie_order(ids, cost, totals)):
        rank[j] = place
    lengths = mask.sum(axis=1)
    gwf = gw.astype(np.float64)
    columns = []
    for d in range(rows.shape[1]):
        g = np.nonzero(rows[:, d] >= 0)[0]
        columns.append((g, rows[g, d]))
    first = np.bincount(columns[0][1], weights=gwf[columns[0][0]], minlength=m) if columns else np.zeros(m)
    return Prepared(int(w.sum()), ids, cost, [int(t) for t in totals], rank,
                    int(lengths.max()) if len(lengths) else 0, rows, gw, sup_g, sup_pos, gwf, first, columns)


def _quota(prep: Prepared, j: int, rule_budget: Fraction) -> Fraction:
    return Fraction(prep.n * prep.cost[j]) / rule_budget if rule_budget else Fraction(0)


def run_fast(prep: Prepared, rule_budget: Fraction) -> EarRun:
    m = len(prep.ids)
    run = EarRun(rule_budget)
    if prep.n == 0:
        return run
    num, den = rule_budget.numerator, rule_budget.denominator
    if max(prep.cost, default=0) * den >= 2**62 or num >= 2**62 or prep.n * max(prep.cost, default=0) >= 2**53:
        raise Uncertain  # too large for exact int64 budget checks: let the exact engine count
    # What is left of the rule's budget, times `den`: an integer, so "does it fit" is exact.
    cost_den = np.array(prep.cost, dtype=np.int64) * den
    left_num = num
    rank = np.array(prep.rank)
    w = prep.gwf.copy()
    quota = (np.array(prep.cost, dtype=np.float64) * prep.n) * (den / num) if num else np.zeros(m)
    free = quota == 0.0
    slack = TOL * np.maximum(quota, 1.0) + 1e-12 * prep.n
    support = prep.first_support.copy()
    depth = 1
    avail = np.ones(m, dtype=bool)
    while True:
        fits = avail & (cost_den <= left_num)
        if not np.array_equal(fits, avail):
            for j in np.nonzero(avail & ~fits)[0].tolist():
                run.last[j] = (depth, float(support[j]))
                run.dropped_left[j] = Fraction(left_num, den)
            avail = fits
        if not avail.any():
            break
        diff = support - quota
        near = avail & (np.abs(diff) <= slack) & ~free
        if near.any():
            # Recount those few from the weights before giving up on floats.
            for j in np.nonzero(near)[0].tolist():
                g = prep.sup_g[j][prep.sup_pos[j] < depth]
                support[j] = float(w[g].sum())
                diff[j] = support[j] - quota[j]
                if abs(diff[j]) <= slack[j]:
                    raise Uncertain
        hit = np.nonzero(avail & ((diff > 0) | free))[0]
        if not len(hit):
            if depth >= prep.max_rank:
                break
            g, whom = prep.columns[depth]
            support += np.bincount(whom, weights=w[g], minlength=m)
            depth += 1
            continue
        reached = hit[np.argsort(rank[hit], kind="stable")].tolist() if len(hit) > 1 else hit.tolist()
        c = reached[0]
        run.steps.append(EarStep(c, depth, float(support[c]), reached))
        for t in reached[1:]:
            run.lost_tie.setdefault(t, (len(run.steps), float(support[t]), c))
        avail[c] = False
        left_num -= prep.cost[c] * den
        if free[c]:
            continue
        g, who, whom = prep.takers(c, depth)
        wt = w[g]
        total = float(wt.sum())
        if total > 0:
            keep = max(0.0, 1.0 - quota[c] / total)
            delta = wt * (keep - 1.0)
            w[g] = wt * keep
            support += np.bincount(whom, weights=delta[who], minlength=m)
    for j in np.nonzero(avail)[0].tolist():
        run.last[j] = (depth, float(support[j]))
    chosen = set(run.selected)
    run.lost_tie = {t: v for t, v in run.lost_tie.items() if t not in chosen}
    return run


def run_exact(prep: Prepared, rule_budget: Fraction) -> EarRun:
    """The same run in exact fractions. A voter's weight only ever changes by the factors of the
    reductions it took part in, so groups are gathered by that history ("class") and supports are
    integer sums per class times one fraction."""
    m = len(prep.ids)
    run = EarRun(rule_budget)
    if prep.n == 0:
        return run
    r, w, cost = prep.rows, prep.gw, prep.cost
    quota = {j: _quota(prep, j, rule_budget) for j in range(m)}
    cls = np.zeros(len(w), dtype=np.int64)
    mults = [Fraction(1)]
    left = rule_budget
    available = list(range(m))
    depth = 1
    support: dict[int, Fraction] = {}
    while True:
        top = r[:, :depth]
        mask = top >= 0
        rows = np.nonzero(mask)[0]
        proj = top[mask].astype(np.int64)
        counts = np.bincount(cls[rows] * m + proj, weights=w[rows], minlength=len(mults) * m)
        counts = counts.astype(np.int64).reshape(len(mults), m)
        support = {}
        for j in available:
            col = counts[:, j]
            support[j] = sum((mults[c] * int(col[c]) for c in np.nonzero(col)[0].tolist()), Fraction(0))
        for j in available:
            if cost[j] > left:
                run.last[j] = (depth, support[j])
                run.dropped_left[j] = left
        available = [j for j in available if cost[j] <= left]
        if not available:
            break
        reached = sorted((j for j in available if support[j] >= quota[j]), key=lambda j: prep.rank[j])
        if not reached:
            if depth >= prep.max_rank:
                break
            depth += 1
            continue
        gaps = [abs(support[j] - quota[j]) for j in available if support[j] != quota[j]]
        c = reached[0]
        available.remove(c)
        left -= cost[c]
        takers = np.nonzero((top == c).any(axis=1))[0]
        per_class = np.bincount(cls[takers], weights=w[takers], minlength=len(mults)).astype(np.int64)
        sum_sup = sum((mults[k] * int(per_class[k]) for k in np.nonzero(per_class)[0].tolist()), Fraction(0))
        run.steps.append(EarStep(c, depth, support[c], reached,
                                 quota[c].denominator == 1 and sum_sup.denominator == 1,
                                 min(gaps, default=Fraction(0))))
        for t in reached[1:]:
            run.lost_tie.setdefault(t, (len(run.steps), support[t], c))
        if sum_sup > 0:
            keep = 1 - quota[c] / sum_sup
            remap = {}
            for k in np.unique(cls[takers]).tolist():
                remap[k] = len(mults)
                mults.append(mults[k] * keep)
            lut = np.arange(len(mults), dtype=np.int64)
            for k, v in remap.items():
                lut[k] = v
            cls[takers] = lut[cls[takers]]
    for j in available:
        run.last[j] = (depth, support.get(j, Fraction(0)))
    chosen = set(run.selected)
    run.lost_tie = {t: v for t, v in run.lost_tie.items() if t not in chosen}
    return run


def run(prep: Prepared, rule_budget: Fraction) -> EarRun:
    try:
        return run_fast(prep, rule_budget)
    except Uncertain:
        return run_exact(prep, rule_budget)


def ear_trace(election: Election) -> EarRun:
    """PB-EAR alone, at the real budget, in exact arithmetic (no completion)."""
    return run_exact(prepare(election), Fraction(election.budget))


def ear_level(prep: Prepared, budget: int, step: Fraction = DEFAULT_STEP,
              progress: Callable[[int], None] | None = None) -> tuple[int, EarRun] | None:
    """The completion: (k, run) for the kept budget B x (1 + k x step), or None without voters."""
    if prep.n == 0:
        return None
    supported = {j for j in range(len(prep.ids)) if len(prep.sup_g[j])}
    kept: tuple[int, EarRun] | None = None
    last_k = int(prep.n / step) if step > 0 else 0
    k = 0
    while k <= last_k:
        result = run(prep, Fraction(budget) * (1 + k * step))
        if progress is not None:
            progress(k + 1)
        spent = sum(prep.cost[j] for j in result.selected)
        if spent > budget:
            break
        kept = (k, result)
        left = budget - spent
        taken = set(result.selected)
        if all(prep.cost[j] > left for j in range(len(prep.ids)) if j not in taken):
            break  # nothing else fits: no need to look further
        if supported <= taken or budget == 0:
            break  # a larger budget cannot fund anything more
        k += 1
    return kept


def _tie(prep: Prepared, winner: int, others: list[int], won: bool, subject: int) -> dict[str, object]:
    loser = others[0] if won else subject
    by = decided_by((prep.points[winner], prep.cost[winner], prep.ids[winner]),
                    (prep.points[loser], prep.cost[loser], prep.ids[loser]))
    return {"with": [prep.ids[t] for t in others], "won": won, "decided_by": by}


def _amount(x: Fraction | float) -> str:
    return money(x if isinstance(x, Fraction) else Fraction(x))


def ear(election: Election, step: Fraction = DEFAULT_STEP, progress: Callable[[int], None] | None = None) -> Result:
    prep = prepare(election)
    totals = total_points(election)
    level = ear_level(prep, election.budget, step, progress)
    explanations: dict[int, Explanation] = {}
    selected: list[int] = []
    completion: dict[str, object] = {"method": "budget_increase", "step_percent": money(step * 100),
                                     "then": "greedy_by_points"}
    result = None
    if level is not None:
        k, result = level
        completion.update(steps=k, rule_budget=_amount(result.rule_budget))
        selected += result.selected

    def unfunded(j: int, left: int, extra: dict[str, object]) -> Explanation:
        if result is None or j not in result.last:
            return explain("not_funded_ear_budget", cost=prep.cost[j], left=left, **extra)
        depth, support = result.last[j]
        params: dict[str, object] = {"cost": prep.cost[j], "left": left, "depth": depth,
                                     "support": _amount(support), "quota": _amount(_quota(prep, j, result.rule_budget)),
                                     "voters": prep.n, "rule_budget": _amount(result.rule_budget)}
        if j in result.lost_tie and "tie" not in extra:
            at, then, winner = result.lost_tie[j]
            extra = {"tie": {**_tie(prep, winner, [winner], False, j), "step": at, "support": _amount(then)}}
        return explain("not_funded_ear", **params, **extra)

    complete_by_points(election, totals, selected, explanations, unfunded)
    if result is not None:
        final = set(selected)
        for i, s in enumerate(result.steps, start=1):
            # A tie is named where it decided something: a project that reached its quota in the
            # same step, lost to this one and was never funded.
            beaten = [t for t, (_, _, winner) in result.lost_tie.items() if winner == s.project and t not in final]
            extra = {"tie": _tie(prep, s.project, beaten, True, s.project)} if beaten else {}
            explanations[s.project] = explain(
                "funded_ear", step=i, depth=s.depth, support=_amount(s.support),
                quota=_amount(_quota(prep, s.project, result.rule_budget)),
                voters=prep.n, rule_budget=_amount(result.rule_budget), **extra)
    return make_result("ear", election, selected, totals, explanations, completion)
