"""Indicator tables. Texts council writes for residents (name, description, a break's note) are
JSON objects of translations, {"en": ..., "es": ..., "ar": ...}, English required."""

from piccolo.columns import JSON, Boolean, Date, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Indicator(Table):
    """What is measured. `source` is "" for values imported as Open SDG CSV, or the name of an
    indicator source a domain declares (server/measures.py), whose values a job recomputes."""

    slug = Varchar(length=60, null=False, unique=True)
    name = JSON(default="{}")
    description = JSON(default="{}")
    unit = Varchar(length=10, null=False)
    lower_is_better = Boolean(default=False)
    target = DoublePrecision(null=True, default=None)
    target_date = Date(null=True, default=None)
    by_neighborhood = Boolean(default=True)
    source = Varchar(length=60, default="", null=False)
    source_notes = Text(default="")
    method_notes = Text(default="")
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class IndicatorValue(Table):
    """One value: unique on (indicator, period, neighborhood, breakdown) through an index.
    `neighborhood` None is the whole city; `breakdown` is opensdg.breakdown_key ("{}" the total);
    `people`, when the value is about people, is how many (small groups are hidden on every page)."""

    indicator = ForeignKey(references=Indicator, null=False)
    period = Varchar(length=7, null=False)
    neighborhood = Integer(null=True, default=None)
    breakdown = Varchar(length=400, default="{}", null=False)
    value = DoublePrecision(null=False)
    flag = Varchar(length=12, default="", null=False)
    people = Integer(null=True, default=None)


class SeriesBreak(Table):
    """A change of method from `period` on: values before and after are not compared."""

    indicator = ForeignKey(references=Indicator, null=False)
    period = Varchar(length=7, null=False)
    note = JSON(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())
