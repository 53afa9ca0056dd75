"""Method of Equal Shares with points as utilities, completed as in DESIGN.md.

Completion, as pabutools' `exhaustion_by_budget_increase` does it: rerun equal shares with the
voters' total budget raised by `step` of the real budget each time, stop at the first outcome
that is over the real budget (keep the previous one) or that leaves no room for any other
project (keep it); then fill what is left greedily by points.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ballots.tally.explain import explain, money
from ballots.tally.greedy import complete_by_points, make_result
from ballots.tally.mes_core import Prepared, Run, Uncertain, prepare, prepare_groups, run_exact, run_fast
from ballots.tally.model import Election, Explanation, Result
from ballots.tally.points import total_points
from ballots.tally.ties import decided_by

DEFAULT_STEP = Fraction(1, 100)


def _run(prep: Prepared, election: Election, b0: Fraction, details: bool = False) -> Run:
    try:
        return run_fast(prep, b0, election.budget, details)
    except Uncertain:
        prepare_groups(prep, election)
        return run_exact(prep, b0, election.budget, details)


def _outcome(prep: Prepared, run: Run) -> list[int]:
    return prep.zero_cost_supported + run.selected


def _exhaustive(prep: Prepared, chosen: list[int], budget: int) -> bool:
    left = budget - sum(prep.cost[j] for j in chosen)
    taken = set(chosen)
    return all(prep.cost[j] > left for j in range(len(prep.cost)) if j not in taken)


def equal_shares_level(election: Election, prep: Prepared, step: Fraction,
                       progress: Callable[[int], None] | None = None) -> Fraction | None:
    """The budget per voter whose equal-shares outcome is kept, or None if none is.

    `progress`, if given, is called with the number of equal-shares passes finished so far (the
    completion runs one pass per budget step, and how many it needs is not known in advance)."""
    n, budget = prep.n_voters, election.budget
    if n == 0:
        return None
    if budget == 0:
        return Fraction(0)
    everything = set(prep.eligible)
    last_k = (budget * n) // (budget * step) if step > 0 else 0  # largest k with B + kB*step <= B(n+1)
    kept: int | None = None
    k = 0
    while k <= last_k:
        b0 = Fraction(budget, n) * (1 + k * step)
        run = _run(prep, election, b0)
        if progress is not None:
            progress(k + 1)
        chosen = _outcome(prep, run)
        if not run.feasible or sum(prep.cost[j] for j in chosen) > budget:
            break
        if _exhaustive(prep, chosen, budget):
            kept = k
            break
        kept = k
        if everything <= set(run.selected):
            # Later outcomes are subsets of this one: all fit and none fills the budget, so the
            # loop would run to its bound; jump there.
            kept = int(last_k)
            break
        k += 1
    return None if kept is None else Fraction(budget, n) * (1 + kept * step)


def _tie(prep: Prepared, winner: int, others: list[int], won: bool, subject: int) -> dict[str, object]:
    w = (prep.sup_wu_total[winner], prep.cost[winner], prep.ids[winner])
    loser = others[0] if won else subject
    lo = (prep.sup_wu_total[loser], prep.cost[loser], prep.ids[loser])
    return {"with": [prep.ids[t] for t in others], "won": won, "decided_by": decided_by(w, lo)}


def mes(election: Election, step: Fraction = DEFAULT_STEP, progress: Callable[[int], None] | None = None) -> Result:
    prep = prepare(election)
    totals = total_points(election)
    level = equal_shares_level(election, prep, Fraction(step), progress)
    explanations: dict[int, Explanation] = {}
    selected: list[int] = []
    run: Run | None = None
    completion: dict[str, object] = {"method": "budget_increase", "step_percent": money(Fraction(step) * 100),
                                     "then": "greedy_by_points"}
    if level is not None:
        equal = Fraction(election.budget, prep.n_voters)
        steps = 0 if equal == 0 else int((level / equal - 1) / Fraction(step))
        completion.update(steps=steps, equal_share=money(equal), voter_budget=money(level))
        run = _run(prep, election, level, details=True)
        for j in prep.zero_cost_supported:
            selected.append(j)
            explanations[j] = explain("funded_zero_cost")
        selected += run.selected

    def unfunded(j: int, left: int, extra: dict[str, object]) -> Explanation:
        reason = None
        if int(totals[j]) == 0:
            reason = {"kind": "no_support"}
        elif run is not None and j in run.dropped:
            rnd, have = run.dropped[j]
            reason = {"kind": "unaffordable", "round": rnd,
                      "supporters_money": money(have if isinstance(have, Fraction) else Fraction(have))}
        if run is not None and j in run.lost_tie and "tie" not in extra:
            rnd, winner = run.lost_tie[j]
            extra = {"tie": {**_tie(prep, winner, [winner], False, j), "round": rnd}}
        return explain("skipped", cost=election.projects[j].cost, left=left, mes=reason, **extra)

    complete_by_points(election, totals, selected, explanations, unfunded)
    if run is not None:
        final = set(selected)
        for b in run.bought:
            rho = b.rho if isinstance(b.rho, Fraction) else Fraction(b.rho)
            # Named where the tie decided something: a project at the same price that lost and
            # was never funded.
            beaten = [t for t, (_, winner) in run.lost_tie.items() if winner == b.project and t not in final]
            extra = {"tie": _tie(prep, b.project, beaten, True, b.project)} if beaten else {}
            explanations[b.project] = explain(
                "funded_mes", round=b.round, price_per_point=money(rho), voter_budget=money(level),
                equal_share=money(equal), steps=steps,
                payers=[{"points": p, "voters": v, "paid_each": money(rho * p)} for p, v in b.payers],
                paid_all=b.paid_all, **extra)
    return make_result("mes", election, selected, totals, explanations, completion)
