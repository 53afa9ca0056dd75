"""Concerns: residents raise safety concerns, follow them to resolution, and the city publishes how
it responds; with an Open311 GeoReport v2 interface for partner apps."""
