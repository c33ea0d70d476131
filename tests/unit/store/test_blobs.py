"""Content-addressed blob folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from commune_desk.store.blobs import BlobStore


def test_put_bytes_names_the_file_by_its_hash_and_dedupes(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    sha = blobs.put_bytes(b"scan of a birth certificate")
    assert sha == hashlib.sha256(b"scan of a birth certificate").hexdigest()
    assert blobs.path_for(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert blobs.put_bytes(b"scan of a birth certificate") == sha
    assert list(blobs.all_hashes()) == [sha]
    assert blobs.read_bytes(sha) == b"scan of a birth certificate"
    # no temporary files are left behind
    assert [p.name for p in (tmp_path / "blobs").iterdir()] == [sha[:2]]


def test_put_file_and_verify_detects_corruption(tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF-1.4" * 100_000)
    blobs = BlobStore(tmp_path / "blobs")
    sha = blobs.put_file(source)
    assert blobs.verify(sha)
    blobs.path_for(sha).write_bytes(b"tampered")
    assert not blobs.verify(sha)
    assert not blobs.verify("0" * 64)


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")

    def chunks():  # type: ignore[no-untyped-def]
        yield b"partial"
        raise OSError("disk full")

    with pytest.raises(OSError):
        blobs._put_chunks(chunks())
    assert list((tmp_path / "blobs").iterdir()) == []


def test_path_for_rejects_non_hashes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path_for("../../etc/passwd")
