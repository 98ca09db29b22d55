"""what each receipt says, and whether it agrees with its top-up

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A receipt is read when it is attached (its QR code, a PDF's text, OCR of a photo). What was read is kept with it
(`reading`, JSON: the fields, the source of each, notes), its raw text apart (`read_text`, so `/` can find it),
and the verdict against its top-up (`verdict`: agrees, disagrees or unread; NULL for receipts attached before this
revision, read again by `topup receipts read --all`). The verdict is indexed: `topup check` asks for the
disagreeing ones on a million top-ups.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD and DROP COLUMN (SQLite has both since 3.35): no table copy, on a million receipts as on ten.
def upgrade() -> None:
    op.add_column("receipts", sa.Column("reading", sa.JSON(), nullable=True))
    op.add_column("receipts", sa.Column("read_text", sa.Text(), nullable=True))
    op.add_column("receipts", sa.Column("verdict", sa.String(length=10), nullable=True))
    op.create_index("ix_receipts_verdict", "receipts", ["verdict"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_receipts_verdict", table_name="receipts")
    for column in ("verdict", "read_text", "reading"):
        op.drop_column("receipts", column)
