"""Alembic migrations, shipped as a package so an installed topup finds them."""
