"""Storage: the round's tables in SQLite (default) or PostgreSQL, with Alembic migrations."""
