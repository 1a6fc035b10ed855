"""Matching: build, solve, validate, explain and recommend. Imports only the domain.

This module is the package's public face: code outside ``matcher.matching`` imports from
here and never from its submodules. The core takes a :class:`~matcher.domain.Round` and
returns plain typed data; it never touches a UI, a command line or the database.

- :class:`MatchSettings` (solver, time limit, threads, gap), built once per run with
  ``MatchSettings.from_policy``; the solver a :class:`Solver`, ``auto`` resolved there only.
- :func:`solve` (a built problem, settings, a :class:`Runner`) -> :class:`MatchResult`;
  :func:`match_round` builds the round and solves it in this process. Tests and callers
  that held ``matcher.matching.engine.match_round`` call ``matcher.matching.match_round``.

The names load lazily (PEP 562): ``from matcher.matching import Solver`` imports the settings
and nothing else, so `matcher --help` and `matcher recommend` do not pay for NumPy, SciPy or
the engine they do not use. ``_SOURCES`` says which submodule holds each name; the
``TYPE_CHECKING`` imports give type checkers the same names (tests/cli/test_startup.py keeps
the two and ``__all__`` equal).
"""

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.matching.backends.base import StageStatus
    from matcher.matching.build import active_awards, build_problem, open_requests, round_date_of
    from matcher.matching.cost_bound import solve_and_bound
    from matcher.matching.deadline import Clock, Deadline
    from matcher.matching.decompose import split
    from matcher.matching.engine import (
        MatchOutcome,
        MatchResult,
        MatchStatus,
        Progress,
        StageTotal,
        match_round,
        solve,
    )
    from matcher.matching.explain import Explanation, Reason, Unplaced, explain_outcome
    from matcher.matching.explain_placed import Alternative
    from matcher.matching.formulation import Part, whole
    from matcher.matching.geo import haversine_km
    from matcher.matching.greedy import greedy_matches
    from matcher.matching.overrides import Overrides, Pair
    from matcher.matching.problem import (
        BASE_WEIGHT,
        UNIT_SCALE,
        IntArray,
        Limit,
        MatchingProblem,
        units_of,
    )
    from matcher.matching.proposals import Proposal, proposals_of, unplaced_of
    from matcher.matching.recommend import Recommendation, recommend
    from matcher.matching.runner import LocalRunner, Runner, backend_named
    from matcher.matching.settings import (
        DEFAULT_SOLVER,
        SOLVERS,
        MatchSettings,
        Solver,
        UnknownSolverError,
        solver_named,
    )
    from matcher.matching.stages import (
        CLASS_STAGES,
        COST_STAGE,
        PartSolution,
        StageRecord,
        solve_part,
    )
    from matcher.matching.terms import SECONDARY_TERMS, TERM_NAMES, TERMS, ObjectiveTerm

_SOURCES: dict[str, tuple[str, ...]] = {
    "backends.base": ("StageStatus",),
    "build": ("active_awards", "build_problem", "open_requests", "round_date_of"),
    "deadline": ("Clock", "Deadline"),
    "decompose": ("split",),
    "engine": (
        "MatchOutcome",
        "MatchResult",
        "MatchStatus",
        "Progress",
        "StageTotal",
        "match_round",
        "solve",
    ),
    "explain": ("Explanation", "Reason", "Unplaced", "explain_outcome"),
    "explain_placed": ("Alternative",),
    "cost_bound": ("solve_and_bound",),
    "formulation": ("Part", "whole"),
    "geo": ("haversine_km",),
    "greedy": ("greedy_matches",),
    "overrides": ("Overrides", "Pair"),
    "problem": ("BASE_WEIGHT", "UNIT_SCALE", "IntArray", "Limit", "MatchingProblem", "units_of"),
    "proposals": ("Proposal", "proposals_of", "unplaced_of"),
    "recommend": ("Recommendation", "recommend"),
    "runner": ("LocalRunner", "Runner", "backend_named"),
    "settings": (
        "DEFAULT_SOLVER",
        "SOLVERS",
        "MatchSettings",
        "Solver",
        "UnknownSolverError",
        "solver_named",
    ),
    "stages": ("CLASS_STAGES", "COST_STAGE", "PartSolution", "StageRecord", "solve_part"),
    "terms": ("SECONDARY_TERMS", "TERM_NAMES", "TERMS", "ObjectiveTerm"),
}
_MODULE_OF = {name: f"{__name__}.{module}" for module, names in _SOURCES.items() for name in names}


def __getattr__(name: str) -> object:
    """A public name, imported from its submodule on first use and kept here after."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _PublicFace(ModuleType):
    """This package's module object. Loading a submodule sets it as an attribute of the
    package, and ``recommend`` is a function and a submodule: whoever loads the submodule
    first (a test, or ``__getattr__``) must not turn ``matching.recommend`` into a module."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, ModuleType) and name in _MODULE_OF:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PublicFace


def model_text(problem: "MatchingProblem", fmt: str) -> str:
    """The first stage's model of the whole round as ``lp`` or ``mps`` text (--export-model)."""
    from matcher.matching.backends.ortools_mb import first_stage_text

    return first_stage_text(problem, fmt)


__all__ = [
    "BASE_WEIGHT",
    "CLASS_STAGES",
    "COST_STAGE",
    "DEFAULT_SOLVER",
    "SECONDARY_TERMS",
    "SOLVERS",
    "TERMS",
    "TERM_NAMES",
    "UNIT_SCALE",
    "Alternative",
    "Clock",
    "Deadline",
    "Explanation",
    "IntArray",
    "Limit",
    "LocalRunner",
    "MatchOutcome",
    "MatchResult",
    "MatchSettings",
    "MatchStatus",
    "MatchingProblem",
    "ObjectiveTerm",
    "Overrides",
    "Pair",
    "Part",
    "PartSolution",
    "Progress",
    "Proposal",
    "Reason",
    "Recommendation",
    "Runner",
    "Solver",
    "StageRecord",
    "StageStatus",
    "StageTotal",
    "UnknownSolverError",
    "Unplaced",
    "active_awards",
    "backend_named",
    "build_problem",
    "explain_outcome",
    "greedy_matches",
    "haversine_km",
    "match_round",
    "model_text",
    "open_requests",
    "proposals_of",
    "recommend",
    "round_date_of",
    "solve",
    "solve_and_bound",
    "solve_part",
    "solver_named",
    "split",
    "units_of",
    "unplaced_of",
    "whole",
]
