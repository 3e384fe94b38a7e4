"""Clause embeddings found by their text: an upload reuses the vector of any clause text seen before.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_clause_embeddings_model_text', 'clause_embeddings', ['model_id', 'text_sha256'])


def downgrade() -> None:
    op.drop_index('ix_clause_embeddings_model_text', table_name='clause_embeddings')
