"""Defaults of a round run that a face shows before anything runs (`matcher match --help`).

Apart from ``round_run`` so that building the command line imports no engine;
``round_run``'s ``ChangeSearch`` takes its default from here.
"""

# Unplaced requests searched for the cheapest change that would place them.
DEFAULT_CHANGES = 10
