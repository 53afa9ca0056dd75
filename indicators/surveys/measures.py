"""The surveys' indicator source (server/measures.py): the trust index, the mean of a counted
survey's trust questions on a 0-100 scale, declared in indicators/domain.py like any other source."""

from __future__ import annotations

from indicators.surveys import service
from server.measures import Source
from server.navigation import N_

SOURCES = {
    "trust-index": Source(
        label=N_("Trust index from community surveys"), unit="score", lower_is_better=False,
        compute=service.trust_index,
        method=N_("The mean answer to the survey questions council marked as measuring trust, on a scale from 0 "
                  "(lowest answer) to 100 (highest), in the month each survey closed."),
    ),
}
