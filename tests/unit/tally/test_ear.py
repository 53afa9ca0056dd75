"""PB-EAR alone (its completion: test_rule_properties.py): every case of pabutools'
tests/test_pb_ear.py (and the examples in the docstring of
its first implementation), then agreement with pabutools' `pb_ear` where its result does not
depend on set iteration order, 6-decimal rounding or integer truncation.

The pabutools cases use float costs and weights; we feed the same numbers as exact fractions
(scaled to integers, which changes nothing for PB-EAR: only ratios matter).
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pabutools.election import FrozenOrdinalBallot, Instance, OrdinalMultiProfile
from pabutools.election import Project as PbProject
from pabutools.rules.pb_ear import pb_ear as pabutools_pb_ear

from ballots.tally import Election, Project
from ballots.tally.ear import ear_trace


def micro(x: float) -> int:
    """Costs and weights in millionths: integers, as the engine wants, and exact from then on."""
    return round(Fraction(x) * 10**6)


def run(voters, candidates, budget) -> list[str]:
    """Our PB-EAR on pabutools-test-style input: voters [(weight, prefs)], candidates [(name, cost)]."""
    if not all(isinstance(v, tuple) and isinstance(v[1], list) for v in voters):
        raise ValueError("voters must be (weight, preferences)")
    projects = [Project(name, micro(c)) for name, c in candidates]
    weights = [micro(w) for w, _ in voters]
    e = Election.from_ballots(projects, micro(budget), [p for _, p in voters], weights)
    return [e.projects[j].id for j in ear_trace(e).selected]


def ipsc_violation(voters, candidates, budget, result, max_group_size=10):
    """Inclusion PSC (Aziz and Lee): a group solidly supported by voters of weight W deserves
    W/n of the budget; a group member left out that would fit within it beside what was already
    funded from their periphery is a violation. Exact arithmetic."""
    names = [n for n, _ in candidates]
    cost = {n: Fraction(c) for n, c in candidates}
    total = sum(Fraction(w) for w, _ in voters)
    chosen = set(result)
    for size in range(1, min(max_group_size, len(names)) + 1):
        for group in map(set, combinations(names, size)):
            solid = [(w, p) for w, p in voters
                     if all(p.index(c) < p.index(d) for c in group if c in p for d in set(p) - group)
                     and group <= set(p)]
            if not solid:
                continue
            share = sum(Fraction(w) for w, _ in solid) * Fraction(budget) / total
            periphery = set()
            for _, p in solid:
                periphery.update(p[: max(p.index(x) for x in group) + 1])
            spent = sum(cost[c] for c in periphery & chosen)
            for c in group - chosen:
                if spent + cost[c] <= share:
                    return group, c
    return None


def test_empty_voters():
    assert run([], [("a", 1.0), ("b", 2.0)], 3.0) == []


def test_empty_candidates():
    with pytest.raises(ValueError):  # a ballot naming projects that do not exist is refused
        run([(1.0, ["a", "b"])], [], 3.0)


def test_zero_budget():
    assert run([(1.0, ["a", "b"])], [("a", 1.0), ("b", 2.0)], 0.0) == []


def test_single_voter_single_project_enough_budget():
    voters, cands = [(1.0, ["a"])], [("a", 1.0)]
    result = run(voters, cands, 1.0)
    assert result == ["a"]
    assert ipsc_violation(voters, cands, 1.0, result) is None


def test_invalid_voter_type():
    with pytest.raises(Exception):  # noqa: B017 - same contract as the pabutools test
        run(["a", "b", "c"], [("a", 1.0)], 1.0)


def test_no_affordable_projects():
    voters, cands = [(1.0, ["a", "b"])], [("a", 100.0), ("b", 200.0)]
    assert run(voters, cands, 50.0) == []
    assert ipsc_violation(voters, cands, 50.0, []) is None


def test_large_input_uniform_preferences():
    voters = [(1.0, ["a", "b", "c"])] * 1000
    cands = [("a", 1.0), ("b", 1.0), ("c", 1.0)]
    result = run(voters, cands, 2.0)
    assert sum(c for n, c in cands if n in result) <= 2.0
    assert len(result) == 2
    assert ipsc_violation(voters, cands, 2.0, result) is None


def _random_case(cost_range, budget):
    random.seed(42)
    names = [chr(97 + i) for i in range(10)]
    cands = [(n, random.uniform(*cost_range)) for n in names]
    raw = [random.uniform(0.5, 2.0) for _ in range(100)]
    total = sum(raw)
    weights = [w * 100 / total for w in raw]
    voters = [(weights[i], random.sample(names, len(names))) for i in range(100)]
    return voters, cands, budget


@pytest.mark.parametrize("case", [((1, 10), 50.0), ((5, 15), 60.0)],
                         ids=["random_voters_budget_respected", "IPSC_no_violation"])
def test_random_weighted_voters(case):
    voters, cands, budget = _random_case(*case)
    voters = [(micro(w), p) for w, p in voters]
    cands = [(n, micro(c)) for n, c in cands]
    budget = micro(budget)
    result = run(voters, cands, budget)
    assert sum(Fraction(c) for n, c in cands if n in result) <= Fraction(budget)
    assert ipsc_violation(voters, cands, budget, result, max_group_size=3) is None


@pytest.mark.parametrize(("voters", "cands", "budget", "allowed"), [
    ([(1, list("abcd"))] * 6 + [(1, list("dcba"))] * 2 + [(1, list("cabd"))], [(x, 1) for x in "abcd"], 3,
     [["a", "b", "c"]]),
    ([(1, list("abcd"))] * 30 + [(1, list("dcba"))] * 70, [("a", 50), ("b", 30), ("c", 30), ("d", 40)], 100,
     [["b", "c", "d"]]),
    ([(1, list("abcd"))] * 15 + [(1, list("bacd"))] * 15 + [(1, list("dcba"))] * 70,
     [("a", 50), ("b", 30), ("c", 30), ("d", 40)], 100, [["b", "c", "d"]]),
    ([(1, list("abcd"))] * 14 + [(1, list("acbd"))] * 16 + [(1, list("cabd"))] * 70,
     [("a", 90), ("b", 30), ("c", 80), ("d", 40)], 100, [["a"], ["c"]]),
    ([(1, list("abcd"))], [("a", 3), ("b", 2), ("c", 2), ("d", 2)], 4, [["a"]]),
    ([(1, list("abcd"))] * 2 + [(1, list("bacd"))] * 2 + [(1, list("cdab"))] * 2,
     [(x, 1) for x in "abcd"], 3, [["a", "b", "c"]]),
    ([(1, list("abcd"))] * 7 + [(1, list("dcba"))] * 3, [("a", 9), ("b", 1), ("c", 1), ("d", 1)], 10,
     [["b", "c", "d"]]),
    ([(0.5, list("abcdefg")), (1.5, list("acdebgf")), (1.0, list("adbcefg")), (1.0, list("bcdeagf")),
      (0.8, list("bcedgaf")), (1.2, list("cdebgaf")), (1.0, list("defcgba"))],
     [("a", 50), ("b", 40), ("c", 35), ("d", 30), ("e", 20), ("f", 15), ("g", 10)], 100,
     [["c", "d", "e", "f"], ["c", "d", "e", "g"]]),
])
def test_docstring_examples(voters, cands, budget, allowed):
    assert sorted(run(voters, cands, budget)) in allowed


@st.composite
def ordinal_elections(draw):
    m = draw(st.integers(1, 5))
    ids = [str(i) for i in range(1, m + 1)]
    costs = draw(st.lists(st.integers(1, 6), min_size=m, max_size=m))
    ballots = draw(st.lists(st.permutations(ids).map(list).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: p[:k])), min_size=1, max_size=6))
    budget = draw(st.integers(1, 12))
    return Election.from_ballots([Project(i, c) for i, c in zip(ids, costs, strict=True)], budget, ballots)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(ordinal_elections())
def test_ear_agrees_with_pabutools_where_it_is_order_independent(e):
    trace = ear_trace(e)
    steps = trace.steps
    clean = all(s.tied == 1 and s.reduction_integral
                and (s.closest_gap == 0 or s.closest_gap > Fraction(1, 10**5)) for s in steps)
    if not clean:
        return
    projs = {p.id: PbProject(p.id, p.cost) for p in e.projects}
    instance = Instance(projs.values(), budget_limit=e.budget)
    profile = OrdinalMultiProfile(instance=instance)
    for row in e.rankings.tolist():
        profile.append(FrozenOrdinalBallot([projs[e.projects[j].id] for j in row if j >= 0]))
    theirs = [p.name for p in pabutools_pb_ear(instance, profile)]
    assert [e.projects[j].id for j in trace.selected] == theirs
