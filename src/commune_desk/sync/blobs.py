"""Attachment bytes: chunked upload with resume, download on demand with hash check.

Uploads use deterministic chunks (``blob_chunk_size`` from the handshake,
aligned to multiples of it); after any cut the next attempt asks the server
how much it holds and continues from there, so no byte crosses the link
twice more than the cut chunk. A blob is uploaded completely before the
attachment operation that references it is pushed. Downloads go to a
partial file next to the blob folder, resume with ``Range`` and are moved
into place only when their SHA-256 matches.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from commune_desk.store.blobs import BlobStore, file_sha256
from commune_desk.sync import protocol as p
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind

#: Called with the number of bytes just moved (for progress reporting).
OnBytes = Callable[[int], None]


def upload_blob(
    client: SyncClient,
    blobs: BlobStore,
    sha256: str,
    *,
    chunk_size: int = p.BLOB_CHUNK_SIZE,
    on_bytes: OnBytes | None = None,
) -> p.BlobStatus:
    """Make sure the server holds the complete blob; resume from its offset."""
    path = blobs.path_for(sha256)
    if not path.is_file():
        raise SyncError(SyncErrorKind.BLOB_MISSING, f"attachment file {sha256} is missing")
    size = path.stat().st_size
    status = client.blob_start(sha256, size)
    with path.open("rb") as handle:
        while not status.complete:
            offset = status.received
            # Realign to the chunk grid after a partial chunk was kept by the server.
            length = min(chunk_size - offset % chunk_size, size - offset)
            handle.seek(offset)
            data = handle.read(length)
            try:
                status = client.blob_chunk(sha256, offset, data)
            except SyncError as exc:
                if exc.detail == p.ErrorKind.OFFSET_MISMATCH:
                    status = client.blob_start(sha256, size)
                    continue
                if exc.detail in (p.ErrorKind.HASH_MISMATCH, p.ErrorKind.SIZE_MISMATCH):
                    raise SyncError(SyncErrorKind.HASH_MISMATCH, exc.message) from exc
                raise
            if on_bytes is not None:
                on_bytes(len(data))
            if status.received <= offset and not status.complete:
                raise SyncError(SyncErrorKind.BAD_RESPONSE, "server did not advance the upload")
    return status


def download_blob(
    client: SyncClient,
    blobs: BlobStore,
    sha256: str,
    *,
    on_bytes: OnBytes | None = None,
) -> Path:
    """Fetch a blob the server holds; resume a partial download; verify its SHA-256."""
    final = blobs.path_for(sha256)
    if final.is_file():
        return final
    partial = blobs.root / f".partial-{sha256}"
    partial.parent.mkdir(parents=True, exist_ok=True)
    start = partial.stat().st_size if partial.exists() else 0
    with partial.open("ab") as out:
        client.blob_download(sha256, start, out, on_bytes)
        out.flush()
        os.fsync(out.fileno())
    if file_sha256(partial) != sha256:
        partial.unlink(missing_ok=True)
        raise SyncError(SyncErrorKind.HASH_MISMATCH, f"downloaded {sha256} does not match")
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, final)
    return final


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of bytes, lower-case hex."""
    return hashlib.sha256(data).hexdigest()
