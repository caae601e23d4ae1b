"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:01:23.654832
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ecozone.store.geometry

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_features',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('geom', ecozone.store.geometry.GeometryColumn(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_features')),
    sa.UniqueConstraint('key', name=op.f('uq_reference_features_key'))
    )
    with op.batch_alter_table('reference_features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_features_kind'), ['kind'], unique=False)

    op.create_table('regions',
    sa.Column('code', sa.String(length=6), nullable=False, comment='GB/T 2260 administrative code'),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False, comment='province | city | county'),
    sa.Column('parent_code', sa.String(length=6), nullable=True),
    sa.Column('geom', ecozone.store.geometry.GeometryColumn(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['regions.code'], name=op.f('fk_regions_parent_code_regions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    op.create_table('releases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='initial | periodic | dynamic'),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=128), nullable=False),
    sa.Column('notice', sa.Text(), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['regions.code'], name=op.f('fk_releases_jurisdiction_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('jurisdiction_code', 'version', name=op.f('uq_releases_jurisdiction_code_version'))
    )
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_releases_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_status'), ['status'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_audit_log_release_id_releases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_release_id'), ['release_id'], unique=False)

    op.create_table('control_units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('unit_class', sa.Integer(), nullable=False, comment='1 优先保护 | 2 重点管控 | 3 一般管控'),
    sa.Column('elements', sa.JSON(), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('city_code', sa.String(length=6), nullable=False),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=True),
    sa.Column('geom', ecozone.store.geometry.GeometryColumn(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_control_units_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_units')),
    sa.UniqueConstraint('release_id', 'code', name=op.f('uq_control_units_release_id_code'))
    )
    with op.batch_alter_table('control_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_units_code'), ['code'], unique=False)

    op.create_table('rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('effect', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False, comment='the full declarative rule record'),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_rules_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules')),
    sa.UniqueConstraint('release_id', 'rule_id', name=op.f('uq_rules_release_id_rule_id'))
    )
    with op.batch_alter_table('rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rules_release_id'), ['release_id'], unique=False)

    op.create_table('access_entries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['control_units.id'], name=op.f('fk_access_entries_unit_id_control_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_entries'))
    )
    with op.batch_alter_table('access_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_entries_unit_id'), ['unit_id'], unique=False)

    # Spatial indexes serve PostGIS only; SQLite holds plain WKB and uses the in-memory index.
    if op.get_bind().dialect.name == "postgresql":
        for table in ("regions", "reference_features", "control_units"):
            op.create_index(f"ix_{table}_geom_gist", table, ["geom"], postgresql_using="gist")


def downgrade() -> None:
    with op.batch_alter_table('access_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_entries_unit_id'))

    op.drop_table('access_entries')
    with op.batch_alter_table('rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rules_release_id'))

    op.drop_table('rules')
    with op.batch_alter_table('control_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_units_code'))

    op.drop_table('control_units')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_release_id'))

    op.drop_table('audit_log')
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_releases_status'))
        batch_op.drop_index(batch_op.f('ix_releases_jurisdiction_code'))

    op.drop_table('releases')
    op.drop_table('regions')
    with op.batch_alter_table('reference_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_features_kind'))

    op.drop_table('reference_features')
