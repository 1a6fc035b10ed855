"""matcher: optimisation-based matching and capacity planning for the Dutch social domain."""

__version__ = "0.1.0"
