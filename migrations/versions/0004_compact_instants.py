"""instants as epoch seconds on SQLite; no channel index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

A million top-ups must fit in 300 bytes each, indexes included. On SQLite an instant stored as the text
`YYYY-MM-DD HH:MM:SS` took 19 bytes in the row and in every index holding it; epoch seconds take 4 to 6 (and
need no formatting per value). PostgreSQL's timestamptz is already 8 bytes and stays as it is. The channel index
went: a channel filter walks the time index newest first and finds a page among ten channels at once, and the
index cost 40 bytes a top-up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANTS = {
    "lines": ("created_at", "updated_at"),
    "topups": (
        "occurred_at", "verified_at", "expires_at", "refund_until", "created_at", "updated_at", "deleted_at",
    ),
    "import_batches": ("created_at", "undone_at"),
    "receipts": ("added_at",),
    "history": ("at",),
    "rates": ("created_at",),
    "acknowledgements": ("at",),
}  # fmt: skip


def _convert(to_epoch: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in INSTANTS.items():
        for column in columns:
            if to_epoch:
                value = f"CAST(strftime('%s', {column}) AS INTEGER)"
                kind = "text"
            else:
                value = f"strftime('%Y-%m-%d %H:%M:%S', {column}, 'unixepoch')"
                kind = "integer"
            op.execute(sa.text(f"UPDATE {table} SET {column} = {value} WHERE typeof({column}) = '{kind}'"))


def upgrade() -> None:
    _convert(to_epoch=True)
    op.drop_index("ix_topups_channel_occurred_at", table_name="topups")


def downgrade() -> None:
    op.create_index("ix_topups_channel_occurred_at", "topups", ["channel", "occurred_at"], unique=False)
    _convert(to_epoch=False)
