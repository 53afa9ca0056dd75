"""The assemblies pages, one file per topic: meetings, boards, commitments. Every action is a plain
form POST with a redirect; htmx only swaps the follow boxes."""
