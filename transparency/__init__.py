"""The read side: the transparency dashboard and the open data API, reading the domains only through their services."""
