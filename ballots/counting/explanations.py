"""Why each project was or was not funded, in plain words and the reader's language. The tally
gives a code and parameters (amounts as exact decimal strings); this turns them into sentences."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import msgspec
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup, escape

from server.i18n import babel_locale, fmt_money, fmt_number, get_locale, ngettext
from server.i18n import gettext as _


def amount(value: Any, currency: str) -> str:
    """Prices per point have cents; whole amounts are shown without them."""
    return _amount(str(value), currency, get_locale())


# A results page explains every project with several amounts on every request: each formatted once
# per language (issue 21).
@lru_cache(maxsize=4096)
def _amount(value: str, currency: str, locale: str) -> str:
    number = Decimal(value)
    if number == number.to_integral_value():
        return fmt_money(int(number), currency)
    return format_currency(number, currency, locale=babel_locale(locale))


def _payers(params: dict[str, Any], currency: str) -> str:
    parts = [
        ngettext("%(num)s voter who gave it %(points)s paid %(paid)s",
                 "%(num)s voters who gave it %(points)s paid %(paid)s each",
                 int(group["voters"]), points=ngettext("%(num)s point", "%(num)s points", int(group["points"])),
                 paid=amount(group["paid_each"], currency))
        for group in params.get("payers", [])
    ]
    if params.get("paid_all"):
        parts.append(ngettext("%(num)s voter paid all the money they had left",
                              "%(num)s voters paid all the money they had left", int(params["paid_all"])))
    return "; ".join(parts)


def decimal(value: Any) -> str:
    """A support or quota (a number of voters, possibly fractional) in the reader's locale."""
    return format_decimal(Decimal(str(value)), locale=babel_locale())


def _project(pid: str, titles: Mapping[str, str]) -> Markup:
    title = titles.get(str(pid))
    if title:
        return Markup("<bdi>{}</bdi> ({})").format(title, _("project %(id)s", id=pid))
    return Markup("<bdi>{}</bdi>").format(_("project %(id)s", id=pid))


def _reason(by: str, won: bool) -> str:
    if won:
        return {"points": _("it has more points"), "cost": _("it costs less"),
                "number": _("its project number is lower")}[by]
    return {"points": _("that project has more points"), "cost": _("that project costs less"),
            "number": _("that project's number is lower")}[by]


def tie_sentence(params: Mapping[str, Any], titles: Mapping[str, str]) -> Markup | None:
    """The tie that decided this project, named with the rule, or None."""
    tie = params.get("tie")
    if not tie:
        return None
    others = Markup(", ").join(_project(t, titles) for t in tie["with"])
    reason = _reason(tie["decided_by"], bool(tie["won"]))
    if tie["won"]:
        text = _("It was tied with %(others)s; by the tie rule it went first because %(reason)s.")
    elif "step" in tie:
        return Markup(_("In step %(step)s it had reached the support it needed (%(support)s voters) at the same time "
                        "as %(others)s; by the tie rule that project went first because %(reason)s, and the "
                        "voters who supported both then had less weight left.")) % {
            "step": tie["step"], "support": decimal(tie["support"]), "others": others, "reason": reason}
    elif "round" in tie:
        return Markup(_("In round %(round)s of equal shares it cost its supporters as little per point as "
                        "%(others)s; by the tie rule that project went first because %(reason)s.")) % {
            "round": tie["round"], "others": others, "reason": reason}
    else:
        text = _("It was tied with %(others)s; by the tie rule that project went first because %(reason)s.")
    return Markup(text) % {"others": others, "reason": reason}


def _top(depth: int) -> str:
    return ngettext("counting only each voter's first choice", "counting each voter's top %(num)s choices", depth)


def _sentence(code: str, params: dict[str, Any], currency: str) -> str:
    money = lambda key: amount(params[key], currency)  # noqa: E731
    if code == "funded":
        return _("Funded: %(points)s points, ranked %(rank)s by points.", points=params["points"], rank=params["rank"])
    if code == "skipped_greedy":
        return _("Not funded: it costs %(cost)s but only %(left)s was left when its turn came "
                 "(%(points)s points, ranked %(rank)s).", cost=money("cost"), left=money("left"),
                 points=params["points"], rank=params["rank"])
    if code == "funded_zero_cost":
        return _("Funded: it costs nothing and voters supported it.")
    if code == "funded_mes":
        text = _("Funded in round %(round)s of equal shares, at %(price)s per point. Who paid: %(payers)s.",
                 round=params["round"], price=money("price_per_point"), payers=_payers(params, currency))
        if "equal_share" not in params:  # counted before the per-voter budget was recorded
            return text
        if params.get("steps"):
            return text + " " + _("Each voter could spend up to %(voter)s. An equal share of the budget is "
                                  "%(equal)s; it was raised step by step until equal shares spent as much of the "
                                  "budget as it could.", voter=money("voter_budget"), equal=money("equal_share"))
        return text + " " + _("Each voter could spend up to %(voter)s, an equal share of the budget.",
                              voter=money("voter_budget"))
    if code == "funded_completion":
        return _("Funded when the rest of the budget was filled by points: %(points)s points, and %(left)s "
                 "was still left.", points=params["points"], left=money("left"))
    if code == "skipped":
        base = _("Not funded: it costs %(cost)s but only %(left)s was left.", cost=money("cost"), left=money("left"))
        mes = params.get("mes") or {}
        if mes.get("kind") == "unaffordable":
            return base + " " + _("In equal shares, the voters who ranked it had only %(money)s left between "
                                  "them in round %(round)s.", money=amount(mes["supporters_money"], currency),
                                  round=mes["round"])
        if mes.get("kind") == "no_support":
            return base + " " + _("No voter ranked it.")
        return base
    if code == "funded_ear":
        if "rule_budget" not in params:  # counted before completion was recorded
            return _("Funded in step %(step)s: counting each voter's top %(depth)s choices, it had the support of "
                     "%(support)s voters, and needed %(quota)s.", step=params["step"], depth=params["depth"],
                     support=params["support"], quota=params["quota"])
        return _("Funded in step %(step)s, %(counting)s: it had the support of %(support)s voters and needed "
                 "%(quota)s (the %(voters)s voters times its cost, divided by %(budget)s).", step=params["step"],
                 counting=_top(int(params["depth"])), support=decimal(params["support"]),
                 quota=decimal(params["quota"]), voters=fmt_number(params["voters"]), budget=money("rule_budget"))
    if code == "not_funded_ear":
        if "cost" not in params:  # counted before completion was recorded
            return _("Not funded: its best support was %(support)s voters, short of the %(quota)s needed.",
                     support=params["support"], quota=params["quota"])
        return (_("Not funded: it costs %(cost)s but only %(left)s was left.", cost=money("cost"), left=money("left"))
                + " " + _("The last time the rule counted its support, %(counting)s, it had the support of "
                          "%(support)s voters and needed %(quota)s.", counting=_top(int(params["depth"])),
                          support=decimal(params["support"]), quota=decimal(params["quota"])))
    if code == "not_funded_ear_budget":
        return _("Not funded: it costs %(cost)s but only %(left)s was left.", cost=money("cost"), left=money("left"))
    return code


def explain(code: str, params: dict[str, Any], currency: str, titles: Mapping[str, str] | None = None) -> Markup:
    """The explanation in the reader's language, with the tie that decided it, if any."""
    text = escape(_sentence(code, params, currency))
    tie = tie_sentence(params, titles or {})
    return text + Markup(" ") + tie if tie is not None else text


# A results page explains every project of a published count on every request (issue 21). A count
# is explained the same way for the same currency and language, so the explanations are kept under
# the count's full encoding: another count, or any change to one, is another key.
_EXPLAINED: OrderedDict[tuple[bytes, str, str], dict[int, Markup]] = OrderedDict()
_KEEP = 64


def explain_count(count: Any, currency: str) -> dict[int, Markup]:
    """`count.explanation(project, currency)` of every project of a CountView, by proposal id."""
    key = (msgspec.json.encode(count), currency, get_locale())
    explained = _EXPLAINED.get(key)
    if explained is None:
        explained = _EXPLAINED[key] = {p.proposal_id: count.explanation(p, currency) for p in count.projects}
        if len(_EXPLAINED) > _KEEP:
            _EXPLAINED.popitem(last=False)
    else:
        _EXPLAINED.move_to_end(key)
    return explained


def tie_break_text(rule: str = "") -> str:
    """The one tie rule, the same for every rule, in the reader's language (the stored record keeps
    the English)."""
    return _("Ties are broken the same way by every rule: the project with more points first, then the cheaper "
             "project, then the lower project number (compared as a number, so 9 comes before 11).")


def completion_text(rule: str, completion: Mapping[str, Any], currency: str) -> str:
    """How the rule's outcome was completed so that no project left out fits in what is left."""
    if rule == "greedy" or completion.get("method") != "budget_increase":
        return ""
    fill = _("Money still left was then given to the projects with the most points that still fit.")
    if not completion.get("steps"):
        return fill
    if rule == "mes":
        return _("Equal shares alone would have left money unspent, so each voter's share was raised step by step "
                 "from %(equal)s to %(voter)s, as far as the budget allowed.",
                 equal=amount(completion["equal_share"], currency),
                 voter=amount(completion["voter_budget"], currency)) + " " + fill
    return _("The rule alone would have left money unspent, so it was run as if the budget were %(budget)s, "
             "raised step by step from the real budget as far as the real budget allowed.",
             budget=amount(completion["rule_budget"], currency)) + " " + fill
