"""teams: a role in each territory's team (existing organisers become leads), invitations

Revision ID: c0ab13_teams
Revises: 8ed49ded6273
Create Date: 2026-12-03 16:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0ab13_teams'
down_revision = '8ed49ded6273'
branch_labels = None
depends_on = None


def upgrade():
    # Every organiser already attached to a territory planned it in full: they lead it.
    with op.batch_alter_table('user_territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_role', sa.Enum('lead', 'member', 'observer', name='teamrole', native_enum=False, length=20), server_default='lead', nullable=False))

    op.create_table('team_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('team_role', sa.Enum('lead', 'member', 'observer', name='teamrole', native_enum=False, length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_team_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_team_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_team_invitations_territory_id_territories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_team_invitations_token_hash'))
    )
    with op.batch_alter_table('team_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_invitations_territory_id'), ['territory_id'], unique=False)


def downgrade():
    with op.batch_alter_table('team_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_invitations_territory_id'))
        batch_op.drop_index(batch_op.f('ix_team_invitations_email'))
    op.drop_table('team_invitations')
    with op.batch_alter_table('user_territories', schema=None) as batch_op:
        batch_op.drop_column('team_role')
