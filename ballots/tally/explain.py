"""Structured explanations and their English rendering.

The web app translates from `code` and `params`; the English `text` is what the CLI and the
JSON output show. Money and prices are passed as strings so that no reader has to guess about
floats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ballots.tally.model import Explanation

if TYPE_CHECKING:
    from fractions import Fraction


def money(x: int | Fraction) -> str:
    """An amount rounded to cents (half up), as text."""
    if isinstance(x, int):
        return str(x)
    # Imported here: greedy from the command line only ever passes ints (fractions costs start-up time).
    from fractions import Fraction

    cents = (x * 100 + Fraction(1, 2)) // 1
    whole, frac = divmod(int(cents), 100)
    return f"{whole}.{frac:02d}" if frac else str(whole)


_BY = {"points": "more points", "cost": "lower cost", "number": "lower project number"}


def _tie_text(p: dict[str, Any]) -> str:
    t = p.get("tie")
    if not t:
        return ""
    others = ", ".join(t["with"])
    if t["won"]:
        return f"; tied with project(s) {others}, it went first by the tie rule ({_BY[t['decided_by']]})"
    at = f" in step {t['step']} (support {t['support']})" if "step" in t else ""
    at = f" in round {t['round']}" if "round" in t else at
    return f"; tied{at} with project {others}, which went first by the tie rule ({_BY[t['decided_by']]})"


def _funded_mes_text(p: dict[str, Any]) -> str:
    parts = [f"{g['voters']} voter(s) who gave it {g['points']} point(s) paid {g['paid_each']} each"
             for g in p["payers"]]
    if p["paid_all"]:
        parts.append(f"{p['paid_all']} voter(s) paid all the money they had left")
    raised = (f" (an equal share is {p['equal_share']}; raised in {p['steps']} step(s) of 1% of the budget "
              "to spend more of it)" if p["steps"] else " (an equal share of the budget)")
    return (f"funded in round {p['round']} of equal shares at {p['price_per_point']} per point, each voter "
            f"holding {p['voter_budget']}{raised}: " + "; ".join(parts) + _tie_text(p))


def _skipped_text(p: dict[str, Any]) -> str:
    text = f"skipped: cost {p['cost']} exceeded the {p['left']} left"
    mes = p.get("mes")
    if mes and mes["kind"] == "unaffordable":
        text += (f" (in equal shares its supporters had only {mes['supporters_money']} left "
                 f"in round {mes['round']})")
    elif mes and mes["kind"] == "no_support":
        text += " (no voter gave it points)"
    return text + _tie_text(p)


def _ear_support(p: dict[str, Any]) -> str:
    return (f"with each voter's top {p['depth']} choice(s) counted, it had the support of {p['support']} "
            f"voter(s), needing {p['quota']} ({p['voters']} voters x its cost / {p['rule_budget']})")


_TEXT = {
    "funded": lambda p: f"funded: {p['points']} points, rank {p['rank']}" + _tie_text(p),
    "skipped_greedy": lambda p: (f"skipped: {p['points']} points, rank {p['rank']}; "
                                 f"cost {p['cost']} exceeded the {p['left']} left" + _tie_text(p)),
    "funded_zero_cost": lambda p: "funded: it costs nothing and has supporters",
    "funded_mes": _funded_mes_text,
    "funded_completion": lambda p: (f"funded when filling the budget by points: {p['points']} points, "
                                    f"{p['left']} was left" + _tie_text(p)),
    "skipped": _skipped_text,
    "funded_ear": lambda p: f"funded in step {p['step']}: " + _ear_support(p) + _tie_text(p),
    "not_funded_ear": lambda p: (f"not funded: cost {p['cost']} exceeded the {p['left']} left; "
                                 + _ear_support(p) + _tie_text(p)),
    "not_funded_ear_budget": lambda p: f"not funded: cost {p['cost']} exceeded the {p['left']} left" + _tie_text(p),
}


def explain(code: str, **params: Any) -> Explanation:
    return Explanation(code=code, params=params, text=_TEXT[code](params))
