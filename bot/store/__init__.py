"""Persistence: the SQLite schema, the database connection, and the progress repository."""
