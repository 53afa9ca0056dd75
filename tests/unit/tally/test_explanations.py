"""Explanations true to the numbers: every figure an explanation states is recomputed here from
the election and the result (greedy order and what was left; equal shares' per-voter budget,
prices and payers; PB-EAR's support at the deciding depth, its quota and the budget it counted
with, checked against the exact oracle), on random elections and on Kraków files."""

from __future__ import annotations

from fractions import Fraction

from ear_oracle import ear_run, points_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.tally import RULES, Election, Project, Result, count
from ballots.tally.explain import money
from ballots.tally.pabulib import parse_election
from ballots.tally.ties import tie_key

IDS = ["1", "2", "9", "10", "11", "100"]
CENT = Fraction(1, 100)


@st.composite
def elections(draw):
    m = draw(st.integers(1, 6))
    ids = draw(st.permutations(IDS))[:m]
    costs = draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, 7, 10, 25]), min_size=m, max_size=m))
    budget = draw(st.integers(1, 30))
    k = draw(st.integers(1, 3))
    ballots = draw(st.lists(st.lists(st.sampled_from(ids), max_size=k, unique=True), max_size=8))
    weights = draw(st.lists(st.integers(1, 4), min_size=len(ballots), max_size=len(ballots)))
    return Election.from_ballots([Project(i, c) for i, c in zip(ids, costs, strict=True)], budget, ballots, weights,
                                 max_length=k)


def plain(e: Election):
    projects = {p.id: p.cost for p in e.projects}
    ballots = [([e.projects[j].id for j in row if j >= 0], int(w))
               for row, w in zip(e.rankings.tolist(), e.weights.tolist(), strict=True)]
    return projects, ballots, points_of(projects, ballots, e.max_length)


def near(stated: str, exact: Fraction) -> bool:
    """An amount stated to the cent (half up) is the exact figure rounded."""
    return abs(Fraction(stated) - exact) <= CENT / 2


def check_fill(e: Election, r: Result, first_fill: int) -> None:
    """What greedy (or the completion's filling by points) states: points, order and what was left."""
    projects, _, points = plain(e)
    spent = sum(projects[p] for p in r.selected[:first_fill])
    order = sorted((p for p in projects if p not in r.selected[:first_fill]),
                   key=lambda p: tie_key(points[p], projects[p], p))
    left = e.budget - spent
    for rank, pid in enumerate(order, start=1):
        ex = r.outcome(pid).explanation
        if ex.code in ("funded", "skipped_greedy", "funded_completion"):
            assert ex.params["points"] == points[pid]
        if ex.code in ("funded", "skipped_greedy"):
            assert ex.params["rank"] == rank
        if ex.code in ("skipped_greedy", "skipped", "not_funded_ear", "not_funded_ear_budget", "funded_completion"):
            assert int(ex.params["left"]) == left, (pid, ex)
        if r.outcome(pid).selected:
            left -= projects[pid]
        else:
            assert projects[pid] > left and ex.params["cost"] == projects[pid]
    assert left == e.budget - r.spent


def check_mes(e: Election, r: Result) -> None:
    _, ballots, _ = plain(e)
    n = sum(w for _, w in ballots)
    c = r.completion
    funded_mes = [p for p in r.projects if p.explanation.code == "funded_mes"]
    if funded_mes:
        equal = Fraction(e.budget, n)
        level = equal * (1 + Fraction(c["steps"], 100))
        assert near(c["equal_share"], equal) and near(c["voter_budget"], level)
    for p in funded_mes:
        ex = p.explanation.params
        assert ex["voter_budget"] == c["voter_budget"] and ex["equal_share"] == c["equal_share"]
        assert ex["steps"] == c["steps"]
        price = Fraction(ex["price_per_point"])
        supporters: dict[int, int] = {}
        for ranking, w in ballots:
            if p.id in ranking:
                pts = e.points[ranking.index(p.id)]
                supporters[pts] = supporters.get(pts, 0) + w
        assert sum(g["voters"] for g in ex["payers"]) + ex["paid_all"] == sum(supporters.values())
        for g in ex["payers"]:
            assert g["voters"] <= supporters[g["points"]]
            assert abs(Fraction(g["paid_each"]) - price * g["points"]) <= CENT * g["points"]
            assert Fraction(g["paid_each"]) <= level + CENT  # nobody pays more than they hold
        paid = sum(Fraction(g["paid_each"]) * g["voters"] for g in ex["payers"])
        assert paid <= p.cost + CENT * n
    check_fill(e, r, len([p for p in r.projects if p.explanation.code in ("funded_mes", "funded_zero_cost")]))


def check_ear(e: Election, r: Result) -> None:
    projects, ballots, points = plain(e)
    n = sum(w for _, w in ballots)
    ear_steps = [p for p in r.projects if p.explanation.code == "funded_ear"]
    if not n:
        assert not ear_steps
        check_fill(e, r, 0)
        return
    c = r.completion
    rule_budget = e.budget * (1 + Fraction(c["steps"], 100))
    assert near(c["rule_budget"], rule_budget)
    trace: dict = {}
    chosen = ear_run(projects, ballots, rule_budget, points, trace)
    assert r.selected[:len(chosen)] == chosen
    for i, (pid, depth, support) in enumerate(trace["steps"], start=1):
        ex = r.outcome(pid).explanation.params
        quota = Fraction(n * projects[pid]) / rule_budget
        assert (ex["step"], ex["depth"], ex["voters"]) == (i, depth, n)
        assert near(ex["support"], support) and near(ex["quota"], quota) and support >= quota
        assert ex["rule_budget"] == c["rule_budget"]
    for p in r.projects:
        if p.explanation.code == "not_funded_ear":
            ex = p.explanation.params
            depth, support = trace["last"][p.id]
            assert ex["depth"] == depth and near(ex["support"], support), (p.id, ex, trace["last"][p.id])
            assert near(ex["quota"], Fraction(n * projects[p.id]) / rule_budget)
            if "step" in ex.get("tie", {}):
                # It had reached the support it needed when it lost the tie.
                assert Fraction(ex["tie"]["support"]) + CENT >= Fraction(ex["quota"])
    check_fill(e, r, len(chosen))


def check(e: Election, rule: str) -> None:
    r = count(rule, e)
    if rule == "greedy":
        check_fill(e, r, 0)
    elif rule == "mes":
        check_mes(e, r)
    else:
        check_ear(e, r)
    for p in r.projects:
        tie = p.explanation.params.get("tie")
        if tie:
            assert "tie rule" in p.explanation.text
            assert all(t in {q.id for q in e.projects} and t != p.id for t in tie["with"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_every_stated_figure_is_recomputed_from_the_election(e):
    for rule in RULES:
        check(e, rule)


def test_stated_figures_on_krakow_districts(krakow):
    for name in ["poland_krakow_2018_podgorze.pb", "poland_krakow_2019_stare-miasto.pb",
                 "poland_krakow_2018_wzgorza-krzeslawickie.pb"]:
        e = parse_election((krakow / name).read_text(encoding="utf-8-sig"))
        for rule in RULES:
            check(e, rule)


def test_equal_shares_says_the_completion_raised_the_per_voter_budget(krakow):
    e = parse_election((krakow / "poland_krakow_2018_podgorze.pb").read_text(encoding="utf-8-sig"))
    r = count("mes", e)
    ex = next(p.explanation for p in r.projects if p.explanation.code == "funded_mes")
    assert ex.params["steps"] > 0 and Fraction(ex.params["voter_budget"]) > Fraction(ex.params["equal_share"])
    assert f"each voter holding {ex.params['voter_budget']}" in ex.text
    assert f"an equal share is {ex.params['equal_share']}" in ex.text


def test_a_project_that_lost_a_tie_says_so_with_the_support_it_had():
    # 9 and 11: same cost, same points, disjoint supporters; only one fits in the budget.
    e = Election.from_ballots([Project("11", 50), Project("9", 50), Project("3", 100)], 60,
                              [["9"], ["9"], ["9"], ["11"], ["11"], ["11"]])
    r = count("ear", e)
    assert r.selected == ["9"]
    lost = r.outcome("11").explanation
    assert lost.params["tie"]["with"] == ["9"] and lost.params["tie"]["decided_by"] == "number"
    assert "compared as text" not in lost.text and "lower project number" in lost.text
    assert money(Fraction(3)) == lost.params["support"]  # the support it really had, 3 voters
