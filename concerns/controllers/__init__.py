"""Concern pages, a file per audience: reporting.py (reporting and the follow-up code), public.py
(lists, case pages, the reporter's actions with an account), casework.py (staff and the oversight
body, intake, categories, API keys), open311.py (GeoReport v2)."""
