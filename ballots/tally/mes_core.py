"""One run of the Method of Equal Shares at a given budget per voter.

Two engines compute the same thing. `run_fast` works in float64 with numpy and refuses
(raises `Uncertain`) whenever a decision (which project is cheapest, whether supporters can
afford a project) is closer than `TOL` relative, which is many orders of magnitude above the
accumulated float error. `run_exact` settles such cases in rational arithmetic. This mirrors
pabutools' `mes_inner_algo`: pick the smallest price per point rho, ties to the smaller project
id as text, every supporter pays min(their money, rho x their points).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ballots.tally.model import Election
from ballots.tally.points import rank_points

TOL = 1e-9


class Uncertain(Exception):
    """A float decision was too close to call."""


@dataclass
class Prepared:
    ids: list[str]
    cost: list[int]
    eligible: list[int]  # positive cost and positive points: what equal shares can buy
    zero_cost_supported: list[int]
    sup_idx: list[np.ndarray]
    sup_u: list[np.ndarray]
    sup_w: list[np.ndarray]
    sup_wu_total: list[int]
    n_voters: int
    weights: np.ndarray
    # Exact engine: identical ballots merged into groups.
    group_weight: list[int] = field(default_factory=list)
    group_sup: list[list[tuple[int, int]]] = field(default_factory=list)


def prepare(election: Election) -> Prepared:
    m = len(election.projects)
    r = election.rankings
    pts = rank_points(election)
    mask = (r >= 0) & (pts > 0)
    voter = np.nonzero(mask)[0]
    proj = r[mask].astype(np.int64)
    u = pts[mask]
    order = np.argsort(proj, kind="stable")
    voter, proj, u = voter[order], proj[order], u[order]
    bounds = np.searchsorted(proj, np.arange(m + 1))
    w = election.weights
    sup_idx, sup_u, sup_w, totals = [], [], [], []
    for j in range(m):
        a, b = bounds[j], bounds[j + 1]
        sup_idx.append(voter[a:b])
        sup_u.append(u[a:b].astype(np.float64))
        sup_w.append(w[voter[a:b]].astype(np.float64))
        totals.append(int(np.dot(w[voter[a:b]], u[a:b])))
    ids = [p.id for p in election.projects]
    cost = [p.cost for p in election.projects]
    eligible = [j for j in range(m) if totals[j] > 0 and cost[j] > 0]
    zero = sorted((j for j in range(m) if totals[j] > 0 and cost[j] == 0), key=lambda j: ids[j])
    return Prepared(ids, cost, eligible, zero, sup_idx, sup_u, sup_w, totals, election.num_voters, w)


def prepare_groups(prep: Prepared, election: Election) -> None:
    if prep.group_sup:
        return
    pts = rank_points(election)
    groups: dict[tuple, int] = {}
    for row, prow, w in zip(election.rankings.tolist(), pts.tolist(), election.weights.tolist(),
                            strict=True):
        key = tuple((j, p) for j, p in zip(row, prow, strict=True) if j >= 0 and p > 0)
        groups[key] = groups.get(key, 0) + w
    prep.group_weight = list(groups.values())
    prep.group_sup = [[] for _ in prep.ids]
    for g, key in enumerate(groups):
        for j, p in key:
            prep.group_sup[j].append((g, p))


@dataclass
class Bought:
    project: int
    round: int
    rho: Fraction | float
    payers: list[tuple[int, int]]  # (points, weighted voters) paying rho x points
    paid_all: int  # weighted voters who paid all they had left


@dataclass
class Run:
    bought: list[Bought]
    dropped: dict[int, tuple[int, Fraction | float]]  # project -> (round, money its supporters had)
    feasible: bool

    @property
    def selected(self) -> list[int]:
        return [b.project for b in self.bought]


def _price(b: np.ndarray, wb: np.ndarray, u: np.ndarray, w: np.ndarray, c: int, total_wu: int,
           start: float) -> float:
    """The rho at which supporters paying min(b, rho u) raise exactly c, in float.

    Newton's method from a lower bound: the money raised is concave and piecewise linear in rho,
    so each step stays below the answer and lands on it once the set of voters who pay all they
    have stops changing (one to three steps in practice, against a sort per project).
    """
    rho = start
    last = -1
    wu = w * u
    for _ in range(64):
        poor = b <= rho * u
        count = int(np.count_nonzero(poor))
        if count == last:
            return rho  # the partition that produced rho is the partition at rho: the root
        last = count
        if count:
            pf = poor.astype(np.float64)
            rich_wu, paid = total_wu - float(np.dot(pf, wu)), float(np.dot(pf, wb))
        else:
            rich_wu, paid = float(total_wu), 0.0
        if rich_wu <= 0:
            break
        nxt = (c - paid) / rich_wu
        if nxt <= rho:
            return nxt
        rho = nxt
    ratio = b / u
    o = np.argsort(ratio, kind="stable")
    wbo = wb[o]
    wuo = w[o] * u[o]
    paid_before = np.cumsum(wbo) - wbo
    util_after = total_wu - (np.cumsum(wuo) - wuo)
    rho_k = (c - paid_before) / util_after
    return float(rho_k[int(np.argmax(rho_k <= ratio[o]))])


def run_fast(prep: Prepared, b0: Fraction, cap: int, details: bool = False) -> Run:
    budgets = np.full(len(prep.weights), float(b0))
    lb = {j: prep.cost[j] / prep.sup_wu_total[j] for j in prep.eligible}
    alive = set(prep.eligible)
    bought: list[Bought] = []
    dropped: dict[int, tuple[int, float]] = {}
    spent = 0
    rnd = 0
    while alive:
        rnd += 1
        best = float("inf")
        cands: list[tuple[float, int]] = []
        for j in sorted(alive, key=lambda j: (lb[j], prep.ids[j])):
            if lb[j] > best * (1 + TOL):
                break
            idx, u, w = prep.sup_idx[j], prep.sup_u[j], prep.sup_w[j]
            c = prep.cost[j]
            bj = budgets[idx]
            wb = w * bj
            money = float(np.sum(wb))
            if money < c * (1 - TOL):
                alive.discard(j)
                dropped[j] = (rnd, money)
                continue
            if money < c * (1 + TOL):
                raise Uncertain
            rho = _price(bj, wb, u, w, c, prep.sup_wu_total[j], lb[j])
            lb[j] = rho
            best = min(best, rho)
            cands.append((rho, j))
        if not cands:
            break
        near = [j for rho, j in cands if rho <= best * (1 + TOL)]
        if len(near) > 1:
            raise Uncertain
        j = near[0]
        alive.discard(j)
        idx, u = prep.sup_idx[j], prep.sup_u[j]
        bj = budgets[idx]
        share = best * u
        poor = bj <= share
        budgets[idx] = np.where(poor, 0.0, bj - share)
        payers, paid_all = [], 0
        if details:
            w = prep.weights[idx]
            paid_all = int(w[poor].sum())
            for p in sorted(set(u[~poor].astype(int).tolist()), reverse=True):
                payers.append((p, int(w[~poor & (u == p)].sum())))
        bought.append(Bought(j, rnd, best, payers, paid_all))
        spent += prep.cost[j]
        if spent > cap:
            return Run(bought, dropped, False)
    return Run(bought, dropped, True)


def run_exact(prep: Prepared, b0: Fraction, cap: int, details: bool = False) -> Run:
    gw = prep.group_weight
    budgets = [b0] * len(gw)
    aff = {j: Fraction(prep.cost[j], prep.sup_wu_total[j]) for j in prep.eligible}
    alive = set(prep.eligible)
    bought: list[Bought] = []
    dropped: dict[int, tuple[int, Fraction]] = {}
    spent = 0
    rnd = 0
    while alive:
        rnd += 1
        best: Fraction | None = None
        tied: list[int] = []
        for j in sorted(alive, key=lambda j: (aff[j], prep.ids[j])):
            if best is not None and aff[j] > best:
                break
            sup = prep.group_sup[j]
            c = prep.cost[j]
            money = sum(gw[g] * budgets[g] for g, _ in sup)
            if money < c:
                alive.discard(j)
                dropped[j] = (rnd, money)
                continue
            paid, denom = Fraction(0), prep.sup_wu_total[j]
            rho = Fraction(c, denom)
            for g, u in sorted(sup, key=lambda gu: budgets[gu[0]] / gu[1]):
                rho = (c - paid) / denom
                if rho * u <= budgets[g]:
                    break
                paid += gw[g] * budgets[g]
                denom -= gw[g] * u
            aff[j] = rho
            if best is None or rho < best:
                best, tied = rho, [j]
            elif rho == best:
                tied.append(j)
        if best is None:
            break
        j = min(tied, key=lambda j: prep.ids[j])
        alive.discard(j)
        payers: dict[int, int] = {}
        paid_all = 0
        for g, u in prep.group_sup[j]:
            share = best * u
            if budgets[g] <= share:
                budgets[g] = Fraction(0)
                paid_all += gw[g]
            else:
                budgets[g] -= share
                payers[u] = payers.get(u, 0) + gw[g]
        bought.append(Bought(j, rnd, best, sorted(payers.items(), reverse=True) if details else [],
                             paid_all if details else 0))
        spent += prep.cost[j]
        if spent > cap:
            return Run(bought, dropped, False)
    return Run(bought, dropped, True)
