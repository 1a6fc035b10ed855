"""Solver backends: one stage of the lexicographic model, solved by one solver.

Every backend gets the same part, objective and stage rows and returns a :class:`StageResult`;
the stage runner (``matcher.matching.stages``) never knows which solver it talks to.

A process that solves through these backends never loads ``highspy``: its HiGHS and the one
inside OR-Tools clash in one process, so HiGHS runs in a worker of its own
(``highs_process``). PuLP would import ``highspy`` as soon as it is installed (its HiGHS API
tries it on import); the entry below makes that import fail, so PuLP marks its HiGHS
unavailable and the process keeps OR-Tools' HiGHS alone.
"""

import sys

sys.modules.setdefault("highspy", None)  # type: ignore[arg-type]
