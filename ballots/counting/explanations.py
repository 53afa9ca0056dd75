"""Why each project was or was not funded, in plain words and the reader's language. The tally
gives a code and parameters (amounts as exact decimal strings); this turns them into sentences."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency

from server.i18n import babel_locale, fmt_money, ngettext
from server.i18n import gettext as _


def amount(value: Any, currency: str) -> str:
    """Prices per point have cents; whole amounts are shown without them."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return fmt_money(int(number), currency)
    return format_currency(number, currency, locale=babel_locale())


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


def explain(code: str, params: dict[str, Any], currency: str) -> str:
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
        return _("Funded in round %(round)s of equal shares, at %(price)s per point. Who paid: %(payers)s.",
                 round=params["round"], price=money("price_per_point"), payers=_payers(params, currency))
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
        return _("Funded in step %(step)s: counting each voter's top %(depth)s choices, it had the support of "
                 "%(support)s voters, and needed %(quota)s.", step=params["step"], depth=params["depth"],
                 support=params["support"], quota=params["quota"])
    if code == "not_funded_ear":
        return _("Not funded: its best support was %(support)s voters, short of the %(quota)s needed.",
                 support=params["support"], quota=params["quota"])
    if code == "not_funded_ear_budget":
        return _("Not funded: it costs %(cost)s but only %(left)s was left.", cost=money("cost"), left=money("left"))
    return code




def tie_break_text(rule: str) -> str:
    """The tie-breaking rule in the reader's language (the stored record keeps the English)."""
    if rule == "greedy":
        return _("Projects with equal points are taken in project number order (smallest first, compared as text).")
    return _("Ties between projects are broken by project number (smallest first, compared as text), as the "
             "reference implementation pabutools does.")
