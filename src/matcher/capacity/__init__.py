"""Capacity: demand history and forecast, certified supply, signals, waiting-list arithmetic.

Imports only the domain and matching (too_big_to_fail re-runs the matching engine); the
formulas and thresholds are written out in models/capacity.md with the names used here.
"""
