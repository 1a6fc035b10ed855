"""Defaults of a round run that a face shows before anything runs (`matcher match --help`).

Apart from ``round_run`` so that building the command line imports no engine; the
``ChangeSearch`` of ``round_run`` has the same default (tests/cli/test_startup.py checks it).
"""

# Unplaced requests searched for the cheapest change that would place them.
DEFAULT_CHANGES = 10
