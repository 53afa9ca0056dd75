import datetime as dt

from proposals.moderation import rules

OLD = dt.timedelta(days=400)
FRESH = dt.timedelta(hours=2)


def test_three_established_accounts_hide_an_item() -> None:
    weights = [rules.report_weight(True, OLD)] * 3
    assert rules.should_auto_hide("visible", sum(weights))
    assert not rules.should_auto_hide("visible", sum(weights[:2]))


def test_three_fresh_accounts_cannot_hide_a_proposal() -> None:
    weights = [rules.report_weight(True, FRESH)] * 3
    assert not rules.should_auto_hide("visible", sum(weights))
    # six of them can (and the moderator still reviews it), as can two old and two new
    assert rules.should_auto_hide("visible", rules.report_weight(True, FRESH) * 6)
    assert rules.should_auto_hide("visible", 2 * rules.report_weight(True, OLD) + 2 * rules.report_weight(True, FRESH))


def test_unconfirmed_accounts_weigh_nothing_and_age_counts_from_a_week() -> None:
    assert rules.report_weight(False, OLD) == 0
    assert rules.report_weight(True, rules.NEW_ACCOUNT_AGE - dt.timedelta(seconds=1)) == rules.NEW_ACCOUNT_WEIGHT
    assert rules.report_weight(True, rules.NEW_ACCOUNT_AGE) == rules.FULL_WEIGHT


def test_a_moderators_decision_stands() -> None:
    assert not rules.should_auto_hide("restored", 100)
    assert not rules.should_auto_hide("hidden", 100)
