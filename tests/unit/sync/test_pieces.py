"""Small pieces of the sync engine: backoff, chunk sizes, error mapping, field conversion."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from commune_desk import protocol as p
from commune_desk.store.models import Dossier
from commune_desk.store.search import record_keys
from commune_desk.sync.backoff import Backoff
from commune_desk.sync.blobs import ChunkSizer
from commune_desk.sync.client import _sync_error
from commune_desk.sync.errors import SyncErrorKind
from commune_desk.sync.index import keys_for
from commune_desk.sync.records import canonical_value, comparable_fields, content_hash
from commune_desk.sync.status import Progress, SyncPhase, SyncStatus


def test_backoff_grows_with_jitter_to_a_cap_and_resets() -> None:
    b = Backoff(base=1, cap=8, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(8)]
    windows = [1, 2, 4, 8, 8, 8, 8, 8]
    for delay, window in zip(delays, windows, strict=True):
        assert window / 2 <= delay <= window
    assert len(set(delays)) > 4  # jittered, not a fixed ladder
    b.reset()
    assert b.next_delay() <= 1


def test_chunk_sizer_fits_chunks_between_cuts_and_grows_back() -> None:
    s = ChunkSizer(maximum=256 * 1024, minimum=16 * 1024, size=256 * 1024)
    s.failed()  # cut before anything got through
    assert s.size == 128 * 1024
    for _ in range(6):  # a link that cuts after ~200 kB every time
        s.succeeded(200_000)
        s.failed()
    assert s.size == 32 * 1024
    for _ in range(20):
        s.failed()
    assert s.size >= 16 * 1024
    for _ in range(100):  # the link heals
        s.succeeded(s.size)
    assert s.size == 256 * 1024


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (401, "device_revoked", SyncErrorKind.DEVICE_REVOKED),
        (401, "token_expired", SyncErrorKind.SESSION_EXPIRED),
        (401, "invalid_credentials", SyncErrorKind.INVALID_CREDENTIALS),
        (400, "unsupported_protocol", SyncErrorKind.PROTOCOL_MISMATCH),
        (503, "unavailable", SyncErrorKind.SERVER_UNAVAILABLE),
        (429, "rate_limited", SyncErrorKind.SERVER_UNAVAILABLE),
        (500, "", SyncErrorKind.SERVER_UNAVAILABLE),
        (413, "body_too_large", SyncErrorKind.REQUEST_REFUSED),
    ],
)
def test_http_errors_map_to_kinds(status: int, kind: str, expected: SyncErrorKind) -> None:
    error = _sync_error(status, kind, "x")
    assert error.kind is expected
    assert error.retryable == (expected is SyncErrorKind.SERVER_UNAVAILABLE)


def test_field_values_compare_across_formats() -> None:
    a = canonical_value("dossier", "received_at", "2026-01-05T08:30:00+07:00")
    b = canonical_value("dossier", "received_at", datetime(2026, 1, 5, 1, 30, tzinfo=UTC))
    assert a == b
    assert canonical_value("incoming_document", "received_on", date(2026, 2, 1)) == "2026-02-01"
    fields = {"code": "X-260105-1001", "received_at": "2026-01-05T01:30:00Z", "opaque": 1}
    assert "opaque" not in comparable_fields("dossier", fields)
    h1 = content_hash("dossier", "id", comparable_fields("dossier", fields))
    h2 = content_hash(
        "dossier", "id", comparable_fields("dossier", {**fields, "received_at": "2026-01-05T08:30:00+07:00"})
    )
    assert h1 == h2


def test_pulled_records_get_the_same_search_keys_as_the_services() -> None:
    d = Dossier(
        applicant_name="Đặng Thị Đào",
        applicant_id_number="001199012345",
        applicant_phone="0912345678",
        code="X-260105-1001",
    )
    assert keys_for(p.Entity.DOSSIER, d) == record_keys(p.Entity.DOSSIER, d)


def test_status_snapshot_is_json() -> None:
    status = SyncStatus(
        phase=SyncPhase.OFFLINE,
        pending=3,
        progress=Progress("push", 1, 3),
        last_success_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    data = status.to_json()
    assert data["phase"] == "offline" and data["pending"] == 3
    assert data["last_success_at"].startswith("2026-01-01")
    assert data["progress"]["step"] == "push"


@pytest.mark.parametrize(
    "text",
    [
        "001199012345",
        "0912 345  678",
        " X-260105-1001 ",
        "ABC def",
        "Đặng Thị Đào",
        "NGUYỄN  văn   A",
        "Ữ ỹ Ỵ ở Ặ ề",
        "Dang Thi Đao\u0301",
        "Müller Ærø ß",
        "中文 tên",
        "ǅ ǈ ﬁ",
    ],
)
def test_fast_fold_equals_the_domain_fold(text: str) -> None:
    from commune_desk.domain.text import fold
    from commune_desk.sync.index import fast_fold

    assert fast_fold(text) == fold(text)


def test_fast_fold_equals_the_domain_fold_on_every_latin_letter() -> None:
    from commune_desk.domain.text import fold
    from commune_desk.sync.index import fast_fold

    for code in list(range(0x20, 0x250)) + list(range(0x1E00, 0x1F00)):
        text = f"A {chr(code)}b {chr(code).upper()}"
        assert fast_fold(text) == fold(text), hex(code)


def test_chunk_sizer_sends_large_requests_while_the_server_keeps_cut_requests_in_part() -> None:
    s = ChunkSizer(maximum=256 * 1024, minimum=16 * 1024, size=64 * 1024, request_max=1024 * 1024)
    assert s.length(0, 5_000_000) == 1024 * 1024  # no cut seen yet: large
    s.cut_kept(200_000)
    assert s.keeps_partial and s.length(200_000, 5_000_000) == 1024 * 1024
    s.cut_kept(0)  # a cut in a request's first bytes keeps nothing: still large
    s.cut_kept(0)
    assert s.keeps_partial and s.length(0, 300_000) == 300_000
    s.cut_kept(0)  # again and again: this server keeps whole requests only
    assert s.keeps_partial is False
    assert s.length(0, 5_000_000) <= 256 * 1024


def test_chunk_sizer_falls_back_at_once_on_a_server_that_never_kept_a_part() -> None:
    s = ChunkSizer(maximum=256 * 1024, minimum=16 * 1024, size=256 * 1024, request_max=1024 * 1024)
    s.succeeded(200_000)
    s.cut_kept(0)
    assert s.keeps_partial is False
    assert s.length(0, 5_000_000) <= 64 * 1024  # a sixth of what got through between cuts
