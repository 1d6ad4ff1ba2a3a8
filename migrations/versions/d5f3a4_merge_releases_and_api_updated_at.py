"""merge the releases and the API's updated_at heads

Revision ID: d5f3a4_merge_releases_and_api
Revises: c4d1e2_releases, c4e1a2_api_updated_at
Create Date: 2026-12-03 17:05:00

Both branches started from 8ed49ded6273; the API branch merged the releases branch, so it
joins the two heads here (nothing to change in the schema).
"""

revision = "d5f3a4_merge_releases_and_api"
down_revision = ("c4d1e2_releases", "c4e1a2_api_updated_at")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
