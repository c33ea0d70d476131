"""The file form of a carry bundle: a zip with a manifest, its signature and blobs.

Layout: ``manifest.json`` (canonical JSON of :class:`~.relay.CarryExport` or
:class:`~.relay.CarryReply`), ``manifest.sig`` (base64 Ed25519 signature of
:func:`signing_message`), ``blobs/<sha256>`` (attachments, export only).
Reading refuses anything else, oversized members and malformed archives
(``BundleError``) before any content is trusted.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from commune_desk.protocol.relay import CARRY_BLOBS, CARRY_DOMAIN, CARRY_MANIFEST, CARRY_SIGNATURE
from commune_desk.protocol.wire import MAX_BLOB_BYTES

#: A manifest larger than this is refused (a reply with a commune's whole history fits).
MAX_MANIFEST_BYTES = 512 * 1024 * 1024
BROKEN = "carry_broken"


class BundleError(Exception):
    """A bundle refused, nothing changed. ``kind`` names the reason (``carry_*``).

    The sentence for the clerk is ``commune_desk.messages.message(kind)``.
    """

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def signing_message(manifest: bytes) -> bytes:
    """What the device (export) or the city (reply) signs: the manifest's hash, with a domain."""
    return b"\x00".join((CARRY_DOMAIN, hashlib.sha256(manifest).hexdigest().encode("ascii")))


def write_bundle(manifest: bytes, signature: str, blobs: dict[str, bytes]) -> bytes:
    """The bundle's bytes (deterministic member order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(CARRY_MANIFEST, manifest)
        zf.writestr(CARRY_SIGNATURE, signature)
        for sha in sorted(blobs):
            zf.writestr(f"{CARRY_BLOBS}{sha}", blobs[sha], compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def save_bundle(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name`` (a stick may be pulled out: never a half file there)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def read_bundle(data: bytes) -> tuple[bytes, str, dict[str, bytes]]:
    """(manifest bytes, signature, blobs by sha256), or :class:`BundleError`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if CARRY_MANIFEST not in infos or CARRY_SIGNATURE not in infos:
                raise BundleError(BROKEN)
            if infos[CARRY_MANIFEST].file_size > MAX_MANIFEST_BYTES:
                raise BundleError(BROKEN)
            blobs: dict[str, bytes] = {}
            for name, info in infos.items():
                if name in (CARRY_MANIFEST, CARRY_SIGNATURE):
                    continue
                sha = name.removeprefix(CARRY_BLOBS)
                if not name.startswith(CARRY_BLOBS) or len(sha) != 64 or info.file_size > MAX_BLOB_BYTES:
                    raise BundleError(BROKEN)
                blobs[sha] = zf.read(name)
            manifest = zf.read(CARRY_MANIFEST)
            signature = zf.read(CARRY_SIGNATURE).decode("ascii").strip()
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, UnicodeError, KeyError):
        raise BundleError(BROKEN) from None
    except Exception:  # zlib and friends: any unreadable archive is simply broken
        raise BundleError(BROKEN) from None
    return manifest, signature, blobs
