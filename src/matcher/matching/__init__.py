"""Matching: build, solve, validate, explain and recommend. Imports only the domain.

The optimisation core takes a :class:`~matcher.domain.Round` and returns plain typed data; it
never touches a UI, a command line or the database.
"""
