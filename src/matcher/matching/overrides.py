"""A regisseur's overrides of one round: pins (must match) and forbids (never match)."""

from dataclasses import dataclass, field

Pair = tuple[str, str]


@dataclass(frozen=True)
class Overrides:
    """Pins and forbids as (request_id, provider_id) pairs, plus an optional warm start.

    ``previous`` holds last round's matches: they are given to the solver as a starting
    solution (a hint), never as a constraint.
    """

    pins: frozenset[Pair] = field(default_factory=frozenset)
    forbids: frozenset[Pair] = field(default_factory=frozenset)
    previous: frozenset[Pair] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = sorted(self.pins & self.forbids)
        if both:
            listed = ", ".join(f"{r} to {p}" for r, p in both)
            raise ValueError(f"a match cannot be both pinned and forbidden: {listed}")
