"""updated_at on tours, territories and challenges, for the API's updated_since filter

Revision ID: c4e1a2_api_updated_at
Revises: 8ed49ded6273
Create Date: 2026-12-03 16:15:00

Nullable in the database: making it NOT NULL on SQLite would rebuild these tables, and
dropping `tours` or `territories` with foreign keys on would cascade to their stops. Every
existing row gets the migration's time; new rows get their own from the model's default.
"""
from alembic import op
import sqlalchemy as sa


revision = "c4e1a2_api_updated_at"
down_revision = "8ed49ded6273"
branch_labels = None
depends_on = None

TABLES = ("tours", "territories", "challenges")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(f"UPDATE {table} SET updated_at = CURRENT_TIMESTAMP")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("updated_at")
