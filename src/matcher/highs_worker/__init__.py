"""HiGHS (``highspy``) in a process of its own, holding one part's model across its stages.

Why a separate process: the HiGHS inside OR-Tools and the one in ``highspy`` are two builds
of one C++ library with the same symbols; loaded into one process they clash. matcher imports
OR-Tools for SCIP and CP-SAT, so the newer HiGHS of ``highspy`` (its bounds on the demo
region are proven in seconds where the bundled one does not get there in a minute) runs in a
child that never imports OR-Tools. This package imports only numpy, scipy and highspy, so the
child starts in a fraction of a second.

``protocol`` frames the messages; ``model`` is the live model and what it can do (a stage,
the LP bound, a sub-MIP over a neighbourhood); ``__main__`` is the child's loop.
"""

# Above this many columns a stage starts with the LP bound and neighbourhood search instead of
# HiGHS's branch and bound. Measured at a 10 s limit: on 7,550 pairs (the earlier demo
# region) the MIP ends place_normal at 8,317 (bound 8,336), the search at 8,188 (8,405); on
# 19,295 pairs (benchmarks/scale.py, 1,000 requests) the MIP stays at the greedy start,
# 9,256, the search reaches 9,460 (LP bound 9,899); on 99,000 the MIP's root LP alone
# outlasts 10 s.
# The parent decides with it (and tells the worker in the model it sends), giving such a part
# a second worker for the bound; tests lower it to send tiny rounds down the search path.
LARGE_COLUMNS = 12_000
