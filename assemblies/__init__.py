"""Assemblies, advisory boards and the public register of commitments (see domain.py)."""
