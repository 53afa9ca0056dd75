"""Proposal categories: stable codes stored in the database, labels translated when shown."""

from __future__ import annotations

from server.i18n import lazy_gettext

CATEGORIES: dict[str, object] = {
    "street_lighting": lazy_gettext("Street lighting"),
    "safe_routes": lazy_gettext("Safe routes"),
    "youth_programs": lazy_gettext("Youth programs"),
    "mental_health": lazy_gettext("Mental-health response"),
    "de_escalation": lazy_gettext("De-escalation training"),
    "restorative": lazy_gettext("Restorative practices"),
    "community_spaces": lazy_gettext("Community spaces"),
    "other": lazy_gettext("Other"),
}

STATUSES: dict[str, object] = {
    "draft": lazy_gettext("Draft"),
    "submitted": lazy_gettext("Submitted"),
    "feasible": lazy_gettext("Feasible"),
    "not_feasible": lazy_gettext("Not feasible"),
    "merged": lazy_gettext("Merged"),
    "withdrawn": lazy_gettext("Withdrawn"),
}

PHASE_LABELS: dict[str, object] = {
    "upcoming": lazy_gettext("Not started yet"),
    "ideas": lazy_gettext("Idea collection"),
    "deliberation": lazy_gettext("Deliberation"),
    "review": lazy_gettext("Council review"),
    "voting": lazy_gettext("Voting"),
    "results": lazy_gettext("Results"),
    "delivery": lazy_gettext("Delivery"),
    "closed": lazy_gettext("Closed"),
}

# What a resident can do in each phase, said plainly for the home page and cycle pages.
PHASE_ACTIONS: dict[str, object] = {
    "upcoming": lazy_gettext("Idea collection has not started yet. Think about what would make your streets safer."),
    "ideas": lazy_gettext("Propose a safety project for your neighborhood, and support the ideas you like."),
    "deliberation": lazy_gettext("Read the proposals, support the ones you want on the ballot, and follow them."),
    "review": lazy_gettext("Council staff are checking each proposal's feasibility and cost, in the open."),
    "voting": lazy_gettext("Vote on the feasible projects for your neighborhood's fund."),
    "results": lazy_gettext("See which projects won and why."),
    "delivery": lazy_gettext("Follow how the funded projects are being delivered."),
    "closed": lazy_gettext("This cycle is over."),
}


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def status_label(code: str) -> str:
    return str(STATUSES.get(code, code))


def phase_label(code: str) -> str:
    return str(PHASE_LABELS.get(code, code))
