"""Attachments: files stored by SHA-256 in the blob folder, metadata in the store."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path

from sqlalchemy import select

from commune_desk.domain.accounts import ActorLike, actor_username, audit_name
from commune_desk.domain.errors import ValidationError
from commune_desk.protocol import Action, Entity
from commune_desk.services.base import ServiceBase
from commune_desk.services.dossiers import attachment_info
from commune_desk.services.errors import NotFound
from commune_desk.services.values import AttachmentInfo, Changes, Outcome
from commune_desk.store.models import Attachment, Dossier, IncomingDocument, OutgoingDocument

_OWNERS: dict[str, type[Dossier | IncomingDocument | OutgoingDocument]] = {
    Entity.DOSSIER: Dossier,
    Entity.INCOMING_DOCUMENT: IncomingDocument,
    Entity.OUTGOING_DOCUMENT: OutgoingDocument,
}


class AttachmentServices(ServiceBase):
    """Add and open attached files (scans of papers, signed documents)."""

    def add_attachment(
        self,
        owner_entity: str,
        owner_id: str,
        *,
        source: Path | bytes,
        filename: str | None = None,
        media_type: str | None = None,
        paper_kind: str = "",
        actor: ActorLike = "",
    ) -> Outcome[AttachmentInfo]:
        """Attach a file to a dossier or document.

        The bytes are written to the blob folder first (atomically; identical
        content is stored once), then metadata and its outbox operation are
        committed together. A crash in between leaves only an unreferenced
        blob, which is harmless.
        """
        model = _OWNERS.get(owner_entity)
        if model is None:
            raise ValidationError("invalid_owner", f"cannot attach to {owner_entity!r}", field="owner_entity")
        if isinstance(source, Path):
            name = filename or source.name
            sha = self.blobs.put_file(source)
        else:
            if not filename:
                raise ValidationError("filename_required", "a file name is required", field="filename")
            name = filename
            sha = self.blobs.put_bytes(source)
        size = self.blobs.path_for(sha).stat().st_size
        kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with self.store.write.begin() as session:
            if session.get(model, owner_id) is None:
                raise NotFound(owner_entity, owner_id)
            row = Attachment(
                id=str(uuid.uuid4()),
                owner_entity=owner_entity,
                owner_id=owner_id,
                sha256=sha,
                filename=name,
                media_type=kind,
                size=size,
                paper_kind=paper_kind,
                uploaded=False,
                created_at=self._now(),
                dirty=True,
            )
            session.add(row)
            self._op(
                session,
                Entity.ATTACHMENT,
                row.id,
                Action.CREATE,
                {
                    "owner_entity": owner_entity,
                    "owner_id": owner_id,
                    "sha256": sha,
                    "filename": name,
                    "media_type": kind,
                    "size": size,
                    "paper_kind": paper_kind,
                },
                actor=actor_username(actor),
            )
            self._audit(
                session,
                "attachment_added",
                actor=audit_name(actor),
                entity=owner_entity,
                entity_id=owner_id,
                details={"attachment_id": row.id},
            )
            info = attachment_info(row)
        return Outcome(info, Changes.of(Entity.ATTACHMENT, row.id) | Changes.of(owner_entity, owner_id))

    def attachment_path(self, attachment_id: str) -> Path:
        """Path of the attachment's file for opening or printing (raises NotFound)."""
        with self.store.read() as session:
            row = session.get(Attachment, attachment_id)
            if row is None:
                raise NotFound(Entity.ATTACHMENT, attachment_id)
            sha = row.sha256
        path = self.blobs.path_for(sha)
        if not path.is_file():
            raise NotFound("blob", sha)
        return path

    def read_attachment(self, attachment_id: str) -> bytes:
        """The attachment's bytes, verified against its SHA-256."""
        path = self.attachment_path(attachment_id)
        data = path.read_bytes()
        import hashlib

        if hashlib.sha256(data).hexdigest() != path.name:
            raise ValidationError("attachment_corrupt", "attachment file does not match its hash")
        return data

    def list_attachments(self, owner_entity: str, owner_id: str) -> list[AttachmentInfo]:
        """Attachments of one record, oldest first."""
        with self.store.read() as session:
            return [
                attachment_info(a)
                for a in session.scalars(
                    select(Attachment)
                    .where(Attachment.owner_entity == owner_entity, Attachment.owner_id == owner_id)
                    .order_by(Attachment.created_at)
                )
            ]
