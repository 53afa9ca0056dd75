"""Every rule, on random elections and on the real Kraków files: within budget, exhaustive (no
project left out fits in what is left), one tie rule; PB-EAR against the plain exact oracle."""

from __future__ import annotations

from fractions import Fraction

import pytest
from ear_oracle import ear_completed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.tally import RULES, Election, Project, count
from ballots.tally.ear import Uncertain, prepare, run_exact, run_fast
from ballots.tally.pabulib import parse_election

IDS = ["1", "2", "9", "10", "11", "100"]


@st.composite
def elections(draw):
    m = draw(st.integers(1, 6))
    ids = draw(st.permutations(IDS))[:m]
    costs = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 10, 25]), min_size=m, max_size=m))
    budget = draw(st.integers(0, 30))
    k = draw(st.integers(1, 3))
    ballots = draw(st.lists(st.lists(st.sampled_from(ids), max_size=k, unique=True), max_size=8))
    weights = draw(st.lists(st.integers(1, 4), min_size=len(ballots), max_size=len(ballots)))
    projects = [Project(i, c) for i, c in zip(ids, costs, strict=True)]
    return Election.from_ballots(projects, budget, ballots, weights, max_length=k)


def assert_within_budget_and_exhaustive(e: Election, rule: str) -> None:
    r = count(rule, e)
    cost = {p.id: p.cost for p in e.projects}
    assert len(set(r.selected)) == len(r.selected)
    assert r.spent == sum(cost[p] for p in r.selected) <= e.budget
    left = e.budget - r.spent
    fits = [p.id for p in e.projects if p.id not in r.selected and p.cost <= left]
    assert not fits, f"{rule}: {fits} still fit in the {left} left"
    assert {p.id for p in r.projects if p.selected} == set(r.selected)


def oracle_input(e: Election):
    projects = {p.id: p.cost for p in e.projects}
    ballots = [([e.projects[j].id for j in row if j >= 0], int(w))
               for row, w in zip(e.rankings.tolist(), e.weights.tolist(), strict=True)]
    return projects, e.budget, ballots, e.max_length


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_every_rule_is_within_budget_and_exhaustive(e):
    for rule in RULES:
        assert_within_budget_and_exhaustive(e, rule)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_ear_equals_the_plain_exact_oracle(e):
    assert count("ear", e).selected == ear_completed(*oracle_input(e))


@settings(max_examples=300, deadline=None)
@given(elections(), st.integers(0, 200))
def test_ear_fast_engine_agrees_with_exact_engine_or_refuses(e, k):
    prep = prepare(e)
    budget = Fraction(e.budget) * (1 + Fraction(k, 100))
    exact = run_exact(prep, budget)
    try:
        fast = run_fast(prep, budget)
    except Uncertain:
        return
    assert fast.selected == exact.selected
    assert [s.depth for s in fast.steps] == [s.depth for s in exact.steps]
    for a, b in zip(fast.steps, exact.steps, strict=True):
        assert abs(Fraction(a.support) - b.support) < Fraction(1, 10**6)


def test_the_tie_rule_compares_project_numbers_as_numbers_in_every_rule():
    # Projects 9 and 11: same cost, same points, only one fits. 9 < 11 as numbers ("11" < "9" as text).
    e = Election.from_ballots([Project("11", 50), Project("9", 50)], 60, [["11"], ["9"]])
    for rule in RULES:
        r = count(rule, e)
        assert r.selected == ["9"], rule
        loser = r.outcome("11").explanation
        assert loser.params["tie"]["with"] == ["9"] and loser.params["tie"]["decided_by"] == "number", rule
        assert "tie rule" in loser.text, rule
        winner = r.outcome("9").explanation
        assert winner.params["tie"] == {"with": ["11"], "won": True, "decided_by": "number"}, rule
        assert "compared as text" not in r.tie_rule and "as a number" in r.tie_rule


def test_the_tie_rule_prefers_more_points_then_lower_cost():
    e = Election.from_ballots([Project("1", 50), Project("2", 40), Project("3", 40)], 60,
                              [["3", "1"], ["2", "3"], ["1"], ["2"]], points=[1, 1])
    # Points: 1 -> 2, 2 -> 2, 3 -> 2: all equal; 2 and 3 cost less than 1; 2 < 3.
    assert count("greedy", e).selected[0] == "2"


def test_ear_completion_spends_the_budget_that_ear_alone_leaves():
    # EAR alone funds only what reaches its quota; completion raises the budget it counts with.
    ballots = [["1", "2"]] * 3 + [["3", "2"]] * 2 + [["4"]]
    e = Election.from_ballots([Project("1", 40), Project("2", 30), Project("3", 40), Project("4", 30)], 100,
                              ballots)
    r = count("ear", e)
    assert r.completion["method"] == "budget_increase"
    assert r.spent == 100 or all(p.cost > 100 - r.spent for p in e.projects if p.id not in r.selected)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_krakow_file_gives_an_exhaustive_outcome(krakow, rule):
    files = sorted(krakow.glob("*.pb"))
    assert len(files) >= 38
    for path in files:
        e = parse_election(path.read_text(encoding="utf-8-sig"))
        assert_within_budget_and_exhaustive(e, rule)


def test_ear_matches_the_exact_oracle_on_small_krakow_districts(krakow):
    for name in ["poland_krakow_2018_wzgorza-krzeslawickie.pb", "poland_krakow_2018_grzegorzki.pb",
                 "poland_krakow_2018_czyzyny.pb", "poland_krakow_2018_swoszowice.pb"]:
        e = parse_election((krakow / name).read_text(encoding="utf-8-sig"))
        assert count("ear", e).selected == ear_completed(*oracle_input(e)), name
