"""Nightly batch: every open request, decomposed into independent parts, solved on Dask.

Imports domain, data and matching (models/batch.md). The database work (run records, the
lock) lives in ``matcher.data.db``; the use-case that ties it together in
``matcher.services.batch``.
"""
