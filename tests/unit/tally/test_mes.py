"""Method of Equal Shares against pabutools (the reference implementation).

- Kraków files: against outcomes computed once with pabutools by bench/pabutools_reference.py
  (tests/data/pabutools_mes_reference.json); pabutools needs minutes per city-wide file.
- Small generated elections (ties, zero-cost and over-budget projects, empty and weighted
  ballots, custom points): against pabutools itself, live.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pabutools_reference as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.tally import Election, Project, count
from ballots.tally.mes import equal_shares_level
from ballots.tally.mes_core import prepare, prepare_groups, run_exact, run_fast
from ballots.tally.pabulib import parse

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "pabutools_mes_reference.json"
IDS = ["1", "2", "10", "a", "b", "9"]


def test_mes_matches_pabutools_on_krakow(krakow):
    reference = json.loads(REFERENCE.read_text())
    files = [f for f in sorted(reference) if not f.startswith("_") and (krakow / f).exists()]
    assert len(files) >= 18, "reference outcomes are missing; run bench/pabutools_reference.py"
    for name in files:
        election = parse((krakow / name).read_text(encoding="utf-8")).election
        assert count("mes", election).selected == reference[name]["selected"], name


@st.composite
def elections(draw):
    m = draw(st.integers(1, 5))
    ids = draw(st.permutations(IDS))[:m]
    costs = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 10, 25]), min_size=m, max_size=m))
    budget = draw(st.integers(1, 20))
    k = draw(st.integers(1, 3))
    ballot = st.lists(st.sampled_from(ids), max_size=k, unique=True)
    ballots = draw(st.lists(ballot, max_size=5))
    weights = draw(st.lists(st.integers(1, 3), min_size=len(ballots), max_size=len(ballots)))
    points = draw(st.one_of(st.none(), st.lists(st.integers(0, 4), min_size=k, max_size=k)))
    projects = [Project(i, c) for i, c in zip(ids, costs, strict=True)]
    return Election.from_ballots(projects, budget, ballots, weights, points, max_length=k)


def pabutools_mes(e: Election) -> list[str]:
    ballots = []
    for row, w in zip(e.rankings.tolist(), e.weights.tolist(), strict=True):
        ballots += [[e.projects[j].id for j in row if j >= 0]] * w
    instance, profile = ref.build([(p.id, p.cost) for p in e.projects], e.budget, ballots)
    return ref.reference_mes(instance, profile, list(e.points))


def without_zero_cost_order(e: Election, selected: list[str]) -> tuple[set[str], list[str]]:
    # pabutools adds zero-cost supported projects in set order; compare them as a set.
    free = {p.id for p in e.projects if p.cost == 0}
    return {s for s in selected if s in free}, [s for s in selected if s not in free]


# pabutools' own rule, with its completion, is the slow side here (a third of a second an election on
# the build machine): 200 elections, beside the Krakow files below and the 200 of the fast/exact check.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_mes_equals_pabutools_on_generated_elections(e):
    ours = count("mes", e).selected
    assert without_zero_cost_order(e, ours) == without_zero_cost_order(e, pabutools_mes(e))


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 300))
def test_fast_engine_agrees_with_exact_engine(e, k):
    prep = prepare(e)
    prepare_groups(prep, e)
    if prep.n_voters == 0:
        return
    b0 = Fraction(e.budget, prep.n_voters) * (1 + Fraction(k, 100))
    exact = run_exact(prep, b0, e.budget)
    try:
        fast = run_fast(prep, b0, e.budget)
    except Exception as exc:  # Uncertain: the fast engine declined, which is always allowed
        assert type(exc).__name__ == "Uncertain"
        return
    assert fast.selected == exact.selected
    assert fast.feasible == exact.feasible


def test_explanations_are_structured():
    e = Election.from_ballots([Project("a", 60), Project("b", 40), Project("c", 50)], 100,
                              [["a", "b"], ["a", "c"], ["b", "a"], ["c"]])
    r = count("mes", e)
    assert r.spent <= 100
    funded = [p for p in r.projects if p.selected]
    assert funded and all(p.explanation.code in {"funded_mes", "funded_completion"} for p in funded)
    for p in funded:
        if p.explanation.code == "funded_mes":
            params = p.explanation.params
            assert params["round"] >= 1 and Fraction(params["price_per_point"]) > 0
            payers = sum(g["voters"] for g in params["payers"]) + params["paid_all"]
            assert payers == sum(1 for b in (["a", "b"], ["a", "c"], ["b", "a"], ["c"]) if p.id in b)
    for p in r.projects:
        if not p.selected:
            assert p.explanation.code == "skipped"
            assert p.explanation.text.startswith(f"skipped: cost {p.cost} exceeded the ")


def test_completion_keeps_last_outcome_that_fits():
    # One voter, two projects: equal shares alone buys nothing until budgets are raised.
    e = Election.from_ballots([Project("a", 7), Project("b", 5)], 10, [["a", "b"], ["b"]])
    level = equal_shares_level(e, prepare(e), Fraction(1, 100))
    assert level is not None and level >= 5
    r = count("mes", e)
    assert r.spent <= 10 and r.selected


def test_count_is_reproducible_to_the_byte():
    import msgspec

    e = Election.from_ballots([Project(str(i), 10 + i) for i in range(6)], 40,
                              [[str((i * 7 + r) % 6) for r in range(3)] for i in range(50)])
    a, b = count("mes", e), count("mes", e)
    assert msgspec.json.encode(a) == msgspec.json.encode(b)


def test_progress_reports_every_equal_shares_pass():
    # Completion raises budgets in 1% steps, one equal-shares pass per step; the callback hears
    # each pass in order, and the rule's result does not depend on whether anyone listens.
    e = Election.from_ballots([Project("a", 60), Project("b", 50), Project("c", 45)], 100,
                              [["a"], ["a"], ["b"], ["c", "b"]])
    heard: list[int] = []
    with_progress = count("mes", e, heard.append)
    assert heard == list(range(1, len(heard) + 1)) and len(heard) > 1
    assert with_progress == count("mes", e)
    for rule in ("greedy", "ear"):
        once: list[int] = []
        assert count(rule, e, once.append) == count(rule, e) and once == [1]
