from proposals.supports import SupportRefusal, support_refusal


def test_residents_of_the_neighborhood_support_other_peoples_proposals() -> None:
    assert support_refusal(1, {10, 11}, 12, 1) is None


def test_authors_and_co_authors_do_not_support_their_own_proposal() -> None:
    assert support_refusal(1, {10, 11}, 10, 1) == SupportRefusal.OWN_PROPOSAL
    assert support_refusal(1, {10, 11}, 11, 1) == SupportRefusal.OWN_PROPOSAL
    assert support_refusal(None, {10}, 10, 3) == SupportRefusal.OWN_PROPOSAL


def test_other_neighborhoods_do_not_count_but_city_wide_proposals_take_anyone() -> None:
    assert support_refusal(1, {10}, 12, 2) == SupportRefusal.OTHER_NEIGHBORHOOD
    assert support_refusal(None, {10}, 12, 2) is None
