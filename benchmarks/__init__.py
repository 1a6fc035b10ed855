"""Benchmarks: scripts that print figures; `national` is shared by batch.py and the tests."""
