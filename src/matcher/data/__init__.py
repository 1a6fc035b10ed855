"""Data: read and validate rounds (CSV, Excel), write them, store and load them (SQLAlchemy)."""
