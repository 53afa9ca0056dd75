"""Outcomes: what a counted ballot funded, and how delivery of each funded project is going."""
