"""Each domain's entries in the access matrix (tests/web/security/access_matrix.py), one module per domain."""
