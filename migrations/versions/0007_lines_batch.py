"""which import created a line

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

`lines.batch_id`: the import batch that created the line (NULL for lines added by hand, by a first top-up, or
before this revision). Undoing the batch archives the lines it created that no other top-up uses, so an undone
import of a thousand new numbers does not leave a thousand empty lines behind. No index: a few thousand lines.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("lines", sa.Column("batch_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("lines", "batch_id")
