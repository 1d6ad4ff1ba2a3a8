"""private feed links for every speaker, account and participant

Links used to be created when a page first showed them (a write on a GET). They are now
created with the speaker, the account or the registration; this gives one to everyone
who has none yet. Data only: the schema does not change.

Revision ID: 5b0c3d9e1a47
Revises: 1ff55c2b8ef9
Create Date: 2026-12-01 23:20:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b0c3d9e1a47'
down_revision = '1ff55c2b8ef9'
branch_labels = None
depends_on = None

MISSING = {
    "speaker": ("speaker_id", "SELECT id FROM speakers WHERE id NOT IN "
                "(SELECT speaker_id FROM private_feeds WHERE speaker_id IS NOT NULL)"),
    "organiser": ("user_id", "SELECT id FROM users WHERE id NOT IN "
                  "(SELECT user_id FROM private_feeds WHERE user_id IS NOT NULL)"),
    "participant": ("email", "SELECT DISTINCT email FROM registrations WHERE anonymised_at IS NULL "
                    "AND email NOT IN (SELECT email FROM private_feeds WHERE email IS NOT NULL)"),
}


def upgrade():
    connection = op.get_bind()
    feeds = sa.table(
        "private_feeds",
        sa.column("token", sa.String), sa.column("owner", sa.String),
        sa.column("email", sa.String), sa.column("speaker_id", sa.Integer),
        sa.column("user_id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc)
    for owner, (column, query) in MISSING.items():
        for value in connection.execute(sa.text(query)).scalars().all():
            connection.execute(feeds.insert().values(
                token=secrets.token_urlsafe(32), owner=owner, created_at=now, **{column: value}
            ))


def downgrade():
    # The links stay valid: nothing to undo.
    pass
