"""Initial schema: reference data, dossiers, documents, numbers, search index, sync tables.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 06:59:59.354102
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from commune_desk.store.search import DROP_FTS_SCHEMA, fts_schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_entity", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("paper_kind", sa.String(length=30), nullable=False),
        sa.Column("uploaded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_owner", ["owner_entity", "owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("local_value", sa.JSON(), nullable=False),
        sa.Column("server_value", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("resolved_at", sa.String(length=27), nullable=True),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.Column("chosen_value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflicts_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "incoming_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("number_symbol", sa.Text(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("doc_type", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("secrecy", sa.String(length=20), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("co_handlers", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("assigned_at", sa.String(length=27), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series", "number", name="uq_incoming_series_number"),
    )
    with op.batch_alter_table("incoming_documents", schema=None) as batch_op:
        batch_op.create_index("ix_incoming_received", ["received_on"], unique=False)

    op.create_table(
        "issued_numbers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series", "number", name="uq_issued_series_number"),
    )
    op.create_table(
        "local_counters",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "number_leases",
        sa.Column("lease_id", sa.String(length=36), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("granted_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("lease_id"),
    )
    with op.batch_alter_table("number_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_number_leases_series"), ["series"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("op_id"),
        sa.UniqueConstraint("device_id", "seq", name="uq_outbox_device_seq"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_outbox_state_seq", ["state", "seq"], unique=False)

    op.create_table(
        "outgoing_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("number_symbol", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("signer", sa.Text(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series", "number", name="uq_outgoing_series_number"),
    )
    op.create_table(
        "procedures",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("day_kind", sa.String(length=20), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("fee", sa.Text(), nullable=False),
        sa.Column("required_papers", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.String(length=27), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "search_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entity_id"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_state",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("server_url", sa.Text(), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("leases", sa.JSON(), nullable=False),
        sa.Column("last_success_at", sa.String(length=27), nullable=True),
        sa.Column("last_attempt_at", sa.String(length=27), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("procedure_code", sa.String(length=40), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=12), nullable=False),
        sa.Column("applicant_phone", sa.String(length=15), nullable=True),
        sa.Column("applicant_address", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.String(length=27), nullable=False),
        sa.Column("appointment_at", sa.String(length=27), nullable=False),
        sa.Column("finished_at", sa.String(length=27), nullable=True),
        sa.Column("returned_at", sa.String(length=27), nullable=True),
        sa.Column("received_by", sa.Text(), nullable=False),
        sa.Column("counter_slot", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_code"],
            ["procedures.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dossiers_clerk_received", ["received_by", "received_at", "id"], unique=False
        )
        batch_op.create_index("ix_dossiers_procedure", ["procedure_code", "received_at"], unique=False)
        batch_op.create_index("ix_dossiers_received", ["received_at", "id"], unique=False)
        batch_op.create_index("ix_dossiers_status_appointment", ["status", "appointment_at"], unique=False)
        batch_op.create_index("ix_dossiers_status_received", ["status", "received_at", "id"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("resolved_at", sa.String(length=27), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["op_id"],
            ["outbox.op_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("op_id"),
    )
    op.create_table(
        "dossier_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.String(length=36), nullable=False),
        sa.Column("local_order", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dossier_events", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_events_dossier", ["dossier_id", "local_order"], unique=False)

    # Full-text index over the folded keys, kept in step with search_keys by
    # triggers (store.search.fts_schema); 0006 gave it more prefix lengths.
    for statement in fts_schema("2 3"):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_FTS_SCHEMA:
        op.execute(statement)
    with op.batch_alter_table("dossier_events", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_events_dossier")

    op.drop_table("dossier_events")
    op.drop_table("quarantine")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_status_received")
        batch_op.drop_index("ix_dossiers_status_appointment")
        batch_op.drop_index("ix_dossiers_received")
        batch_op.drop_index("ix_dossiers_procedure")
        batch_op.drop_index("ix_dossiers_clerk_received")

    op.drop_table("dossiers")
    op.drop_table("sync_state")
    op.drop_table("settings")
    op.drop_table("search_keys")
    op.drop_table("reference_versions")
    op.drop_table("procedures")
    op.drop_table("outgoing_documents")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state_seq")
        batch_op.drop_index("ix_outbox_entity")

    op.drop_table("outbox")
    with op.batch_alter_table("number_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_number_leases_series"))

    op.drop_table("number_leases")
    op.drop_table("local_counters")
    op.drop_table("issued_numbers")
    with op.batch_alter_table("incoming_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_incoming_received")

    op.drop_table("incoming_documents")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_entity_id"))

    op.drop_table("conflicts")
    op.drop_table("audit_log")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_sha256"))
        batch_op.drop_index("ix_attachments_owner")

    op.drop_table("attachments")
