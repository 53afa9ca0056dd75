"""PB-EAR, the expanding approvals rule of Aziz and Lee (AAAI 2021), in exact arithmetic.

Follows pabutools' `pb_ear` step for step, except that (a) every quantity is an exact fraction
where pabutools rounds to 6 decimals and truncates the weight reduction to an integer, and (b)
among projects that reach their quota together the smaller id (as text) is chosen, where
pabutools takes whichever its set yields first.

A voter's weight only ever changes by the factors of the reductions it took part in, so voters
are grouped by that history ("class") and supports are integer sums per class times one fraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ballots.tally.explain import explain, money
from ballots.tally.greedy import make_result
from ballots.tally.model import Election, Result
from ballots.tally.points import total_points


@dataclass
class EarStep:
    project: int
    depth: int
    support: Fraction
    quota: Fraction
    tied: int  # how many projects reached their quota at this step
    reduction_integral: bool  # pabutools truncates the reduction and the supporters' weight
    closest_gap: Fraction  # smallest nonzero |support - quota| seen while choosing this step


@dataclass
class EarTrace:
    steps: list[EarStep] = field(default_factory=list)
    last_support: dict[int, Fraction] = field(default_factory=dict)
    quota: dict[int, Fraction] = field(default_factory=dict)
    left: int = 0


def ear_trace(election: Election) -> EarTrace:
    projects = election.projects
    m = len(projects)
    ids = [p.id for p in projects]
    cost = [p.cost for p in projects]
    budget = election.budget
    r = election.rankings
    w = election.weights.astype(np.int64)
    n = int(w.sum())
    trace = EarTrace(left=budget)
    if n == 0:
        return trace
    lengths = (r >= 0).sum(axis=1)
    max_rank = int(lengths.max()) if len(lengths) else 0
    quota = {j: (Fraction(n * cost[j], budget) if budget else Fraction(0)) for j in range(m)}
    trace.quota = quota
    cls = np.zeros(len(w), dtype=np.int64)
    mults = [Fraction(1)]
    chosen: set[int] = set()
    left = budget
    available = [j for j in range(m) if cost[j] <= left]
    depth = 1
    while True:
        available = [j for j in available if cost[j] <= left]
        if not available:
            break
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
        trace.last_support.update(support)
        reached = [j for j in available if support[j] >= quota[j]]
        if not reached:
            if depth > max_rank:
                break
            depth += 1
            continue
        gaps = [abs(support[j] - quota[j]) for j in available if support[j] != quota[j]]
        c = min(reached, key=lambda j: ids[j])
        chosen.add(c)
        available.remove(c)
        left -= cost[c]
        takers = np.nonzero((top == c).any(axis=1))[0]
        per_class = np.bincount(cls[takers], weights=w[takers], minlength=len(mults)).astype(np.int64)
        sum_sup = sum((mults[k] * int(per_class[k]) for k in np.nonzero(per_class)[0].tolist()), Fraction(0))
        reduce = quota[c]
        trace.steps.append(EarStep(c, depth, support[c], quota[c], len(reached),
                                   reduce.denominator == 1 and sum_sup.denominator == 1,
                                   min(gaps, default=Fraction(0))))
        if sum_sup > 0:
            keep = 1 - reduce / sum_sup
            remap = {}
            for k in np.unique(cls[takers]).tolist():
                remap[k] = len(mults)
                mults.append(mults[k] * keep)
            lut = np.arange(len(mults), dtype=np.int64)
            for k, v in remap.items():
                lut[k] = v
            cls[takers] = lut[cls[takers]]
    trace.left = left
    return trace


def ear(election: Election) -> Result:
    trace = ear_trace(election)
    totals = total_points(election)
    explanations = {}
    selected = []
    for i, s in enumerate(trace.steps, start=1):
        selected.append(s.project)
        explanations[s.project] = explain("funded_ear", step=i, depth=s.depth, support=money(s.support),
                                          quota=money(s.quota))
    for j, p in enumerate(election.projects):
        if j in explanations:
            continue
        if p.cost > trace.left:
            explanations[j] = explain("not_funded_ear_budget", cost=p.cost, left=trace.left)
        else:
            explanations[j] = explain("not_funded_ear", support=money(trace.last_support.get(j, Fraction(0))),
                                      quota=money(trace.quota.get(j, Fraction(0))))
    return make_result("ear", election, selected, totals, explanations)
