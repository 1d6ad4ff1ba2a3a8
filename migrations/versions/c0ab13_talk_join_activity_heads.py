"""join the activity log and tasks with teams, comments and notifications

Revision ID: c0ab13_talk_join
Revises: c0ab13_notifications, c0ab13_activity_tasks
Create Date: 2026-12-03 17:03:00

"""

# revision identifiers, used by Alembic.
revision = 'c0ab13_talk_join'
down_revision = ('c0ab13_notifications', 'c0ab13_activity_tasks')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
