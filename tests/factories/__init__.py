"""One way to make each kind of thing in tests, per domain, through the domains' services.

Accounts and neighborhoods (the host's) come from tests/support.py."""
