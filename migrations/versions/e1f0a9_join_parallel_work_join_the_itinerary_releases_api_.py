"""join the itinerary, releases, API, collaboration and jobs migrations

Revision ID: e1f0a9_join_parallel_work
Revises: c0ab13_talk_join, c12a7e_itinerary_proposals, c4e1a7_background_jobs, d5f3a4_merge_releases_and_api
Create Date: 2026-12-03 17:39:14.415793

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f0a9_join_parallel_work'
down_revision = ('c0ab13_talk_join', 'c12a7e_itinerary_proposals', 'c4e1a7_background_jobs', 'd5f3a4_merge_releases_and_api')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
