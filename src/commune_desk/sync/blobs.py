"""Attachment bytes: chunked upload with resume, download on demand with hash check.

Uploads use deterministic chunks (``blob_chunk_size`` from the handshake,
aligned to multiples of it); after any cut the next attempt asks the server
how much it holds and continues from there, so no byte crosses the link
twice more than the cut chunk. A server that keeps the part of a request that
arrived before a cut (the reference server does) is noticed at the first cut:
from then on requests are as large as it accepts (``max_chunk_bytes``), so a
round trip is paid per cut or per megabyte, not per small chunk. A blob is
uploaded completely before the attachment operation that references it is pushed. Downloads go to a
partial file next to the blob folder, resume with ``Range`` and are moved
into place only when their SHA-256 matches.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from commune_desk import protocol as p
from commune_desk.store.blobs import BlobStore, file_sha256
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind

#: Called with the number of bytes just moved (for progress reporting).
OnBytes = Callable[[int], None]


@dataclass
class ChunkSizer:
    """Chunk size for uploads that adapts to a link that keeps cutting.

    A chunk cut in flight is lost whole (the server keeps only complete
    requests), so on a link that drops every few hundred kilobytes a fixed
    256 KiB chunk might never get through, and big chunks waste bytes. The
    sizer estimates how many bytes get through between cuts and uses about a
    sixth of that (rounded down to a power of two, so chunks keep to a
    deterministic grid): a cut then loses at most about a sixth of the
    stretch, while request overhead stays near 2 %. A clean stretch of eight
    chunks doubles the size again, up to ``maximum``.
    """

    maximum: int = p.BLOB_CHUNK_SIZE
    minimum: int = 16 * 1024
    size: int = 64 * 1024  # grows to ``maximum`` after a clean stretch
    since_cut: int = 0
    stretch: float | None = None
    #: The largest request the server accepts (``max_chunk_bytes`` of the handshake).
    request_max: int = p.MAX_CHUNK_BYTES
    #: Whether the server keeps the part of a cut request that reached it (None: no cut seen
    #: yet; requests are large until a cut shows otherwise).
    keeps_partial: bool | None = None
    #: Cuts in a row that kept nothing although the server keeps partial requests.
    lost_in_a_row: int = 0

    def length(self, offset: int, size: int) -> int:
        """How many bytes of a ``size``-byte blob to send from ``offset`` in one request."""
        if self.keeps_partial is not False:  # a cut loses only what was in flight
            return min(self.request_max, size - offset)
        # Realign to the chunk grid after a partial chunk was kept by the server.
        return min(self.size - offset % self.size, size - offset)

    def cut_kept(self, kept: int) -> None:
        """A cut request's first ``kept`` bytes were kept by the server (0: none)."""
        if kept > 0:
            self.keeps_partial, self.lost_in_a_row, self.since_cut = True, 0, 0
            return
        self.lost_in_a_row += 1
        # A cut in the request's first bytes keeps nothing even on a server that keeps
        # partial bodies; only cuts that keep nothing again and again mean it does not.
        if self.keeps_partial is None or self.lost_in_a_row >= 3:
            self.keeps_partial = False
            self.failed()

    def failed(self) -> None:
        """A chunk was cut: size chunks to the bytes that get through between cuts."""
        if self.since_cut == 0:
            self.size = max(self.minimum, self.size // 2)  # nothing got through: halve
            return
        seen = float(self.since_cut)
        self.stretch = seen if self.stretch is None else (self.stretch + seen) / 2
        size = self.minimum
        while size * 2 <= min(self.stretch / 6, self.maximum):
            size *= 2
        self.size = size
        self.since_cut = 0

    def succeeded(self, sent: int = 0) -> None:
        """A chunk of ``sent`` bytes went through; after a long clean stretch, grow."""
        self.since_cut += sent
        if self.since_cut >= 8 * self.size and self.size < self.maximum:
            self.size = min(self.maximum, self.size * 2)


#: Cuts in a row without progress before the round gives up (and backs off).
MAX_CUTS_WITHOUT_PROGRESS = 6


def upload_blob(
    client: SyncClient,
    blobs: BlobStore,
    sha256: str,
    *,
    sizer: ChunkSizer | None = None,
    on_bytes: OnBytes | None = None,
) -> p.BlobStatus:
    """Make sure the server holds the complete blob; resume from its offset after cuts."""
    sizer = sizer or ChunkSizer()
    path = blobs.path_for(sha256)
    if not path.is_file():
        raise SyncError(SyncErrorKind.BLOB_MISSING, f"attachment file {sha256} is missing")
    size = path.stat().st_size
    cuts = 0
    status: p.BlobStatus | None = None
    in_flight: tuple[int, int] | None = None  # (offset, length) of the chunk request being sent
    cut: tuple[int, int] | None = None  # the request a cut broke, until the server says what it kept
    # The server stores a cut request's part a moment after the cut, so asked at once it
    # may show nothing yet; an offset mismatch then reveals it, and the cut is looked at again.
    unkept: tuple[int, int] | None = None
    late: tuple[int, int] | None = None
    with path.open("rb") as handle:
        while status is None or not status.complete:
            try:
                if status is None:
                    status = client.blob_start(sha256, size)
                    if cut is not None or late is not None:
                        broken = cut or late
                        assert broken is not None
                        kept = max(0, min(status.received, broken[0] + broken[1]) - broken[0])
                        if cut is not None or kept > 0:
                            sizer.cut_kept(kept)
                        unkept = cut if kept == 0 else None
                        cut = late = None
                        if kept > 0:
                            cuts = 0
                            if on_bytes is not None:
                                on_bytes(kept)
                    continue
                offset = status.received
                length = sizer.length(offset, size)
                handle.seek(offset)
                data = handle.read(length)
                in_flight = (offset, len(data))
                status = client.blob_chunk(sha256, offset, data)
                in_flight = unkept = None
                sizer.succeeded(len(data))
                cuts = 0
                if on_bytes is not None:
                    on_bytes(len(data))
            except SyncError as exc:
                if exc.kind is SyncErrorKind.OFFLINE and cuts < MAX_CUTS_WITHOUT_PROGRESS:
                    cuts += 1
                    if in_flight is not None:
                        cut, in_flight = in_flight, None  # what the server kept decides the sizing
                    elif cut is None:
                        sizer.failed()
                    status = None  # ask the server where to resume
                    continue
                in_flight = None
                if exc.detail == p.ErrorKind.OFFSET_MISMATCH:
                    late, unkept = unkept, None
                    status = None
                    continue
                if exc.detail in (p.ErrorKind.HASH_MISMATCH, p.ErrorKind.SIZE_MISMATCH):
                    raise SyncError(SyncErrorKind.HASH_MISMATCH, exc.message) from exc
                raise
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
