"""One run of the Method of Equal Shares at a given budget per voter.

Two engines compute the same thing. `run_fast` works in float64 with numpy and refuses
(raises `Uncertain`) whenever a decision (which project is cheapest, whether supporters can
afford a project) is closer than `TOL` relative, which is many orders of magnitude above the
accumulated float error. `run_exact` settles such cases in rational arithmetic. This mirrors
pabutools' `mes_inner_algo`: pick the smallest price per point rho, ties by the one tie rule of
`ties.py` (more points, then lower cost, then lower project number), every supporter pays
min(their money, rho x their points).

Both engines work on groups of identical ballots (what equal shares can tell apart: the points
given to each project), weighted by how many voters cast them. Voters in a group start with the
same money and always pay the same, so a group is one budget; real votes repeat the same few
short rankings often (Kraków 2018: 32,958 ballots, 21,646 groups).

Completion reruns equal shares dozens of times (`mes.equal_shares_level`), so `run_fast` is
written for few passes over the data per round: candidates come off a heap ordered by a lower
bound on their price (prices only rise as money is spent), each price is found by Newton's
method on supporters' budget-per-point ratios with dot products for the sums, and a project
whose supporters have not paid anything since its price was last computed keeps that price.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ballots.tally.model import Election
from ballots.tally.ties import tie_order

TOL = 1e-9


class Uncertain(Exception):
    """A float decision was too close to call."""


@dataclass
class Prepared:
    ids: list[str]
    cost: list[int]
    eligible: list[int]  # positive cost and positive points: what equal shares can buy
    zero_cost_supported: list[int]
    n_voters: int  # total weight
    group_weight: list[int]  # voters per group of identical ballots
    # Per project: its supporting groups, their points for it, and float copies for run_fast.
    sup_idx: list[np.ndarray]
    sup_u: list[np.ndarray]
    sup_uf: list[np.ndarray]
    sup_inv_u: list[np.ndarray]
    sup_w: list[np.ndarray | None]  # None when every supporting group is a single voter
    sup_wu: list[np.ndarray]
    sup_wu_total: list[int]
    rows: np.ndarray  # one ranking per group, -1 where empty or worth no points
    tie_rank: list[int]  # position of each project in the tie rule's order (smaller wins)
    # Exact engine: per project, (group, points) pairs; built on demand.
    group_sup: list[list[tuple[int, int]]] = field(default_factory=list)
    _touches: dict[int, list[int]] = field(default_factory=dict)
    _scratch: _Scratch | None = None

    def touches(self, j: int) -> list[int]:
        """The projects whose supporters' money changes when project j is bought (j included)."""
        t = self._touches.get(j)
        if t is None:
            seen = np.bincount(self.rows[self.sup_idx[j]].ravel() + 1, minlength=len(self.ids) + 1)
            t = self._touches[j] = np.nonzero(seen[1:])[0].tolist()
        return t


def _group_ballots(election: Election) -> tuple[np.ndarray, np.ndarray]:
    """Identical ballots (counting only ranks worth points) merged: (rows, summed weights).

    When nearly every ballot is different (a synthetic city ranking 5 of 60 projects) the ballots
    are kept as they are: merging would save little and cost a weight multiplication per price.
    """
    r = election.rankings
    pts = np.asarray(election.points, dtype=np.int64)
    w = election.weights
    n = r.shape[0]
    k = r.shape[1] if r.ndim == 2 else 0
    if r.size == 0:
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64)
    r = np.where(pts[None, :] > 0, r, -1).astype(np.int64)
    m = len(election.projects)
    if (m + 1) ** k >= 2**62:
        _, first, inverse = np.unique(r, axis=0, return_index=True, return_inverse=True)
        rows, inverse = r[first], inverse.reshape(-1)
    else:
        base = m + 1
        key = np.zeros(n, dtype=np.int64)
        for c in range(k):
            key = key * base + (r[:, c] + 1)
        uniq = np.unique(key)
        if 10 * len(uniq) > 9 * n:
            return r, w
        inverse = np.searchsorted(uniq, key)
        rows = np.empty((len(uniq), k), dtype=np.int64)
        rest = uniq.copy()
        for c in range(k - 1, -1, -1):
            rows[:, c] = rest % base - 1
            rest //= base
    # Summing weights in float64 is exact: Election.build keeps the total below 2**53.
    gw = np.bincount(inverse, weights=w, minlength=len(rows))
    return rows, gw.astype(np.int64)


def prepare(election: Election) -> Prepared:
    m = len(election.projects)
    rows, gw = _group_ballots(election)
    pts = np.asarray(election.points, dtype=np.int64)
    mask = rows >= 0
    group, rank = np.nonzero(mask)
    proj = rows[mask]
    u = pts[rank]
    # np.nonzero lists groups in order: a stable sort by project keeps them so (radix sort when
    # project indices fit in 16 bits).
    order = np.argsort(proj.astype(np.int16) if m < 2**15 else proj, kind="stable")
    group, proj, u = group[order], proj[order], u[order]
    bounds = np.searchsorted(proj, np.arange(m + 1)).tolist()
    unit = bool(len(gw) == 0 or int(gw.max()) == 1)
    gwf = gw.astype(np.float64)
    sup_idx, sup_u, sup_uf, sup_inv, sup_w, sup_wu, totals = [], [], [], [], [], [], []
    for j in range(m):
        a, b = bounds[j], bounds[j + 1]
        idx = group[a:b]
        uj = u[a:b]
        wj = gw[idx]
        uf = uj.astype(np.float64)
        sup_idx.append(idx)
        sup_u.append(uj)
        sup_uf.append(uf)
        sup_inv.append(1.0 / uf)
        sup_w.append(None if unit else gwf[idx])
        sup_wu.append((wj * uj).astype(np.float64))
        totals.append(int(np.dot(wj, uj)) if b > a else 0)
    ids = [p.id for p in election.projects]
    cost = [p.cost for p in election.projects]
    eligible = [j for j in range(m) if totals[j] > 0 and cost[j] > 0]
    rank = [0] * m
    for pos, j in enumerate(tie_order(ids, cost, totals)):
        rank[j] = pos
    zero = sorted((j for j in range(m) if totals[j] > 0 and cost[j] == 0), key=lambda j: rank[j])
    return Prepared(ids, cost, eligible, zero, election.num_voters, gw.tolist(), sup_idx, sup_u, sup_uf,
                    sup_inv, sup_w, sup_wu, totals, rows, rank)



def prepare_groups(prep: Prepared, election: Election | None = None) -> None:
    """Fill the exact engine's (group, points) lists from the groups `prepare` made."""
    if prep.group_sup:
        return
    prep.group_sup = [list(zip(idx.tolist(), u.tolist(), strict=True))
                      for idx, u in zip(prep.sup_idx, prep.sup_u, strict=True)]


@dataclass
class Bought:
    project: int
    round: int
    rho: Fraction | float
    payers: list[tuple[int, int]]  # (points, weighted voters) paying rho x points
    paid_all: int  # weighted voters who paid all they had left
    tied_with: list[int] = field(default_factory=list)  # projects at the same price it won against


@dataclass
class Run:
    bought: list[Bought]
    dropped: dict[int, tuple[int, Fraction | float]]  # project -> (round, money its supporters had)
    feasible: bool
    lost_tie: dict[int, tuple[int, int]] = field(default_factory=dict)  # project -> (round, winner)

    @property
    def selected(self) -> list[int]:
        return [b.project for b in self.bought]


def _price(ratio: np.ndarray, wb: np.ndarray, wu: np.ndarray, c: int, total_wu: int, start: float,
           poor: np.ndarray) -> float:
    """The rho at which supporters paying min(b, rho u) raise exactly c, in float.

    `ratio` is b/u per supporter (the rho at which it pays all it has), `wb` and `wu` are weight
    times budget and weight times points. Newton's method from a lower bound: the money raised is
    concave and piecewise linear in rho, so each step stays below the answer and lands on it once
    the set of voters who pay all they have stops changing (one to three steps in practice).
    `poor` is scratch space, 1.0 where a supporter pays all it has.
    """
    rho = start
    last = -1.0
    for _ in range(64):
        np.less_equal(ratio, rho, out=poor)
        poor_wu = float(poor @ wu)  # an integer below 2**53: exact, so equality means "no change"
        if poor_wu == last:
            return rho  # the partition that produced rho is the partition at rho: the root
        last = poor_wu
        rich_wu = total_wu - poor_wu
        if rich_wu <= 0:
            break
        nxt = (c - float(poor @ wb)) / rich_wu
        if nxt <= rho:
            return nxt
        rho = nxt
    o = np.argsort(ratio, kind="stable")
    wbo, wuo = wb[o], wu[o]
    paid_before = np.cumsum(wbo) - wbo
    util_after = total_wu - (np.cumsum(wuo) - wuo)
    rho_k = (c - paid_before) / util_after
    return float(rho_k[int(np.argmax(rho_k <= ratio[o]))])


class _Scratch:
    """Work arrays reused across rounds and runs (completion runs equal shares dozens of times)."""

    def __init__(self, groups: int, longest: int):
        self.budgets = np.empty(groups)
        self.sets = [tuple(np.empty(longest) for _ in range(3)) for _ in range(2)]
        self.poor = np.empty(longest)


def _scratch(prep: Prepared) -> _Scratch:
    if prep._scratch is None:
        prep._scratch = _Scratch(len(prep.group_weight), max((len(i) for i in prep.sup_idx), default=0))
    return prep._scratch


def run_fast(prep: Prepared, b0: Fraction, cap: int, details: bool = False) -> Run:
    s = _scratch(prep)
    budgets = s.budgets
    budgets.fill(float(b0))
    cost = prep.cost
    rank = prep.tie_rank
    heap = [(cost[j] / prep.sup_wu_total[j], rank[j], j) for j in prep.eligible]
    heapq.heapify(heap)
    # A price is exact (not just a lower bound) while none of the project's supporters has paid
    # for anything since it was computed: `fresh` holds those projects.
    fresh: set[int] = set()
    bought: list[Bought] = []
    dropped: dict[int, tuple[int, float]] = {}
    spent = 0
    rnd = 0
    hi = 1 + TOL
    lo = 1 - TOL
    cur, kept = s.sets
    while heap:
        rnd += 1
        best = float("inf")
        cands: list[tuple[float, int, int]] = []
        kept_j = -1  # whose budgets `kept` holds: the cheapest computed so far, to charge if it wins
        while heap and heap[0][0] <= best * hi:
            lb, pid, j = heapq.heappop(heap)
            if j in fresh:
                cands.append((lb, pid, j))
                best = min(best, lb)
                continue
            idx, w = prep.sup_idx[j], prep.sup_w[j]
            c = cost[j]
            n = len(idx)
            b, wb, ratio = cur[0][:n], cur[1][:n], cur[2][:n]
            budgets.take(idx, out=b)
            if w is None:
                wb = b
            else:
                np.multiply(w, b, out=wb)
            money = float(wb.sum())
            if money < c * lo:
                dropped[j] = (rnd, money)
                continue
            if money < c * hi:
                raise Uncertain
            np.multiply(b, prep.sup_inv_u[j], out=ratio)
            rho = _price(ratio, wb, prep.sup_wu[j], c, prep.sup_wu_total[j], lb, s.poor[:n])
            fresh.add(j)
            cands.append((rho, pid, j))
            if rho < best:
                best, kept_j = rho, j
                cur, kept = kept, cur
        if not cands:
            break
        limit = best * hi
        near = [j for rho, _, j in cands if rho <= limit]
        if len(near) > 1:
            raise Uncertain
        j = near[0]
        for cand in cands:
            if cand[2] != j:
                heapq.heappush(heap, cand)
        fresh.difference_update(prep.touches(j))
        idx, u = prep.sup_idx[j], prep.sup_uf[j]
        n = len(idx)
        b, left = kept[0][:n], kept[1][:n]
        if kept_j != j:
            budgets.take(idx, out=b)
        np.multiply(u, best, out=left)  # what each pays if it has enough
        payers, paid_all = [], 0
        if details:
            poor = b <= left
            w = prep.sup_w[j]
            gw = np.ones(n, dtype=np.int64) if w is None else w.astype(np.int64)
            paid_all = int(gw[poor].sum())
            ui = prep.sup_u[j]
            for p in sorted(set(ui[~poor].tolist()), reverse=True):
                payers.append((int(p), int(gw[~poor & (ui == p)].sum())))
        np.subtract(b, left, out=left)
        np.maximum(left, 0.0, out=left)
        budgets[idx] = left
        bought.append(Bought(j, rnd, best, payers, paid_all))
        spent += cost[j]
        if spent > cap:
            return Run(bought, dropped, False)
    return Run(bought, dropped, True)


def run_exact(prep: Prepared, b0: Fraction, cap: int, details: bool = False) -> Run:
    prepare_groups(prep)
    gw = prep.group_weight
    budgets = [b0] * len(gw)
    aff = {j: Fraction(prep.cost[j], prep.sup_wu_total[j]) for j in prep.eligible}
    alive = set(prep.eligible)
    bought: list[Bought] = []
    dropped: dict[int, tuple[int, Fraction]] = {}
    lost: dict[int, tuple[int, int]] = {}
    spent = 0
    rnd = 0
    while alive:
        rnd += 1
        best: Fraction | None = None
        tied: list[int] = []
        for j in sorted(alive, key=lambda j: (aff[j], prep.tie_rank[j])):
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
        j = min(tied, key=lambda j: prep.tie_rank[j])
        alive.discard(j)
        others = [t for t in tied if t != j]
        lost_tie = {}
        for t in others:
            lost_tie[t] = (rnd, j)
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
                             paid_all if details else 0, others))
        lost.update(lost_tie)
        spent += prep.cost[j]
        if spent > cap:
            return Run(bought, dropped, False, lost)
    # A project that lost a tie but was bought in a later round was only delayed by it.
    chosen = {b.project for b in bought}
    return Run(bought, dropped, True, {t: v for t, v in lost.items() if t not in chosen})
