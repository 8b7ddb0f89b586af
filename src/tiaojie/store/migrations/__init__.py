"""Alembic migrations of the ledger schema (run through tiaojie.store.db, not imported)."""
