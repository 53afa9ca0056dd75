"""Verification of residence and age: the eligibility roll, self-matching, in-person verification by
council staff and partners, the partners themselves and the log of what staff and partners did."""
