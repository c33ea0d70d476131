"""Carry bundle files: any bytes are either read exactly as written or refused in Vietnamese."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.protocol.carry_files import BundleError, read_bundle, signing_message, write_bundle
from commune_desk.sync.device_key import DeviceKey, signature_valid

MANIFEST = b'{"kind":"export","ops":[]}'
BLOB = bytes(range(256)) * 4
SHA = "a" * 64


def test_a_bundle_reads_back_as_written() -> None:
    data = write_bundle(MANIFEST, "c2ln", {SHA: BLOB})
    assert read_bundle(data) == (MANIFEST, "c2ln", {SHA: BLOB})


def test_the_signed_message_binds_the_manifest() -> None:
    assert signing_message(MANIFEST) != signing_message(MANIFEST + b" ")
    assert signing_message(MANIFEST).startswith(b"CommuneDesk carry v1\x00")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_never_crash(data: bytes) -> None:
    try:
        read_bundle(data)
    except BundleError as exc:
        assert exc.kind == "carry_broken"


KEY = DeviceKey.generate()
BLOB_SHA = hashlib.sha256(BLOB).hexdigest()
GOOD = write_bundle(MANIFEST, KEY.sign(signing_message(MANIFEST)), {BLOB_SHA: BLOB})


@settings(max_examples=200, deadline=None)
@given(at=st.integers(min_value=0), xor=st.integers(min_value=1, max_value=255))
def test_a_flipped_byte_is_refused_or_fails_the_checks(at: int, xor: int) -> None:
    """Whatever a flipped byte does, the content that comes out either is the signed one or fails."""
    bad = bytearray(GOOD)
    bad[at % len(bad)] ^= xor
    try:
        manifest, signature, blobs = read_bundle(bytes(bad))
    except BundleError:
        return
    intact = signature_valid(KEY.public_key, signing_message(manifest), signature)
    assert intact == (manifest == MANIFEST)
    for sha, data in blobs.items():
        assert (hashlib.sha256(data).hexdigest() == sha) == (sha == BLOB_SHA and data == BLOB)
