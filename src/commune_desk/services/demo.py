"""Demo data: realistic dossiers and documents for trying the software and for benchmarks.

Dossiers are written through a bulk path (multi-row inserts, a few thousand
per transaction) so that 200,000 take minutes, not hours. Each batch carries
the daily code counters of its days in the same transaction, so a run that is
killed or stops on a full disk leaves a store whose counters match its codes
(the next intake of those days gets a fresh code).

A store with demo data is flagged as a demo store (``store/identity.py``) in
the first batch's transaction and never logs in or syncs; demo writes
(dossiers and register documents alike) are local-only: not dirty, no outbox
operations. ``generate_demo`` refuses a store that holds real records or is
configured for a server.
"""

from __future__ import annotations

import math
import random
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import VN_TZ, DayKind, TimeLimit, WorkCalendar
from commune_desk.domain.codes import SLOT_SIZE, counter_slot_range, format_dossier_code
from commune_desk.domain.dossier import DossierStatus, EventKind, derive_status
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.numbers import SeriesKind, series_key
from commune_desk.protocol import Entity
from commune_desk.services.dossiers import dossier_counter_name
from commune_desk.store.engine import BEGIN_MODE
from commune_desk.store.identity import is_demo_store, mark_demo_store
from commune_desk.store.models import (
    Dossier,
    IncomingDocument,
    LocalCounter,
    OutgoingDocument,
    Procedure,
)
from commune_desk.store.outbox import driver_connection, set_counter
from commune_desk.store.search import record_keys
from commune_desk.store.types import to_utc_text

BATCH = 5000
#: Random bits of demo record ids (not the seeded generator: ids were never reproducible).
_ID_BITS = random.Random()
#: Page cache (KiB) of the connection writing the batches; SQLite's default is 2 MB.
BULK_CACHE_KIB = 256 * 1024
DEFAULT_CACHE_PAGES = -2000
S = DossierStatus
E = EventKind

SURNAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Đào", 1),
)
MALE_MIDDLE = ("Văn", "Đức", "Hữu", "Minh", "Quang", "Xuân", "Thành", "Công", "Mạnh", "Tiến")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim")
MALE_GIVEN = (
    "Anh",
    "Hùng",
    "Dũng",
    "Tuấn",
    "Nam",
    "Long",
    "Hải",
    "Đạt",
    "Bình",
    "Cường",
    "Quân",
    "Sơn",
    "Thắng",
    "Trung",
    "Việt",
    "Khánh",
    "Phúc",
    "Huy",
    "Đức",
    "Tùng",
    "Hiếu",
)
FEMALE_GIVEN = (
    "Đào",
    "Hà",
    "Lan",
    "Hương",
    "Mai",
    "Phương",
    "Linh",
    "Trang",
    "Thảo",
    "Hoa",
    "Yến",
    "Hạnh",
    "Giang",
    "Ngọc",
    "Nhung",
    "Huyền",
    "Thủy",
    "Vân",
    "Quỳnh",
    "Oanh",
    "Loan",
)
WARDS = (
    "Hoàn Kiếm",
    "Cửa Nam",
    "Ba Đình",
    "Ngọc Hà",
    "Giảng Võ",
    "Hai Bà Trưng",
    "Vĩnh Tuy",
    "Bạch Mai",
    "Đống Đa",
    "Kim Liên",
    "Văn Miếu - Quốc Tử Giám",
    "Láng",
    "Ô Chợ Dừa",
    "Hồng Hà",
    "Lĩnh Nam",
    "Hoàng Mai",
    "Tương Mai",
    "Định Công",
    "Hoàng Liệt",
    "Yên Sở",
    "Thanh Xuân",
    "Khương Đình",
    "Phương Liệt",
    "Cầu Giấy",
    "Nghĩa Đô",
    "Yên Hòa",
    "Tây Hồ",
    "Phú Thượng",
    "Long Biên",
    "Bồ Đề",
    "Việt Hưng",
    "Phúc Lợi",
)
STREETS = (
    "Phố Huế",
    "Lò Đúc",
    "Bạch Mai",
    "Kim Mã",
    "Đội Cấn",
    "Giải Phóng",
    "Nguyễn Trãi",
    "Láng Hạ",
    "Tây Sơn",
    "Xã Đàn",
    "Minh Khai",
    "Trần Khát Chân",
    "Hoàng Hoa Thám",
    "Lạc Long Quân",
    "Âu Cơ",
    "Nguyễn Văn Cừ",
    "Ngọc Lâm",
    "Trường Chinh",
    "Lê Duẩn",
)
CLERKS = ("Nguyễn Thị Hồng", "Trần Văn Minh", "Lê Thu Trang", "Phạm Quốc Huy")
AUTHORS = (
    "UBND thành phố Hà Nội",
    "Sở Tư pháp Hà Nội",
    "Sở Nội vụ Hà Nội",
    "Công an thành phố Hà Nội",
    "Văn phòng UBND thành phố",
    "Sở Tài chính Hà Nội",
)
SUMMARIES = (
    "Về việc triển khai mô hình chính quyền địa phương hai cấp",
    "Về việc tăng cường công tác cải cách thủ tục hành chính",
    "Về việc báo cáo kết quả giải quyết hồ sơ tháng",
    "Về việc phòng chống thiên tai",
    "Về việc tổ chức tiếp công dân định kỳ",
    "Về việc số hóa sổ hộ tịch",
    "Về việc kiểm tra công tác chứng thực",
    "Về việc bố trí cán bộ bộ phận một cửa",
)
OUT_SYMBOLS = (
    ("QĐ-UBND", "Quyết định"),
    ("UBND-VP", "Công văn"),
    ("BC-UBND", "Báo cáo"),
    ("TB-UBND", "Thông báo"),
    ("KH-UBND", "Kế hoạch"),
)

#: Event paths leading to each target status (after the first ``received``).
PATHS: dict[DossierStatus, tuple[EventKind, ...]] = {
    S.REGISTERED_ONLINE: (),
    S.ACCEPTED: (),
    S.REFUSED: (E.REFUSED,),
    S.PROCESSING: (E.ASSIGNED,),
    S.SUPPLEMENT_REQUESTED: (E.ASSIGNED, E.SUPPLEMENT_REQUESTED),
    S.PAYMENT_REQUIRED: (E.ASSIGNED, E.PAYMENT_REQUESTED),
    S.WITHDRAWN: (E.WITHDRAWN,),
    S.STOPPED: (E.ASSIGNED, E.STOPPED),
    S.RESULT_READY: (E.ASSIGNED, E.RESULT_READY),
    S.RETURNED: (E.ASSIGNED, E.RESULT_READY, E.RETURNED),
}
RECENT = {
    S.REGISTERED_ONLINE: 5,
    S.ACCEPTED: 25,
    S.PROCESSING: 30,
    S.SUPPLEMENT_REQUESTED: 8,
    S.PAYMENT_REQUIRED: 5,
    S.RESULT_READY: 17,
    S.RETURNED: 8,
    S.REFUSED: 1,
    S.WITHDRAWN: 1,
}
MONTH = {
    S.ACCEPTED: 3,
    S.PROCESSING: 10,
    S.SUPPLEMENT_REQUESTED: 5,
    S.PAYMENT_REQUIRED: 2,
    S.RESULT_READY: 15,
    S.RETURNED: 58,
    S.REFUSED: 3,
    S.WITHDRAWN: 2,
    S.STOPPED: 2,
}
OLD = {
    S.RETURNED: 88,
    S.REFUSED: 4,
    S.WITHDRAWN: 3,
    S.STOPPED: 2,
    S.RESULT_READY: 2,
    S.SUPPLEMENT_REQUESTED: 1,
}


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` wrote."""

    dossiers: int
    events: int
    incoming: int
    outgoing: int


def generate_demo(
    target: Any,
    count: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    *,
    documents: bool = True,
) -> DemoSummary:
    """Fill the store behind ``target`` (a ``Services`` or an ``AppContext``) with demo data.

    ``count`` dossiers received over the last two years (working days, office
    hours), every status represented, plus some incoming and outgoing
    documents. ``progress(done, total)`` is called after each batch.
    """
    services = getattr(target, "services", target)
    if count < 0:
        raise ValidationError("invalid_count", "count must not be negative", field="count")
    rng = random.Random(seed)
    now = services._now()
    settings = services.get_settings()
    calendar = services._calendar(settings)
    with services.store.read() as session:
        if count:
            _refuse_real_store(session, settings.server_url)
        procedures = list(session.scalars(select(Procedure).where(Procedure.active.is_(True))))
        used = {
            c.name: c.value
            for c in session.scalars(select(LocalCounter).where(LocalCounter.name.like("dossier/%")))
        }
    if not procedures:
        raise ValidationError("unknown_procedure", "the store has no procedure catalogue")
    slot = settings.counter_slot
    slot_range = counter_slot_range(slot)
    received = _received_times(rng, calendar, now, count)
    per_day: Counter[date] = Counter()
    events_written = 0
    done = 0
    with _bulk_connection(services) as connection:
        for start in range(0, count, BATCH):
            chunk = received[start : start + BATCH]
            dossiers, events, keys = [], [], []
            days_in_batch: set[date] = set()
            for offset, received_at in enumerate(chunk):
                index = start + offset
                day = received_at.astimezone(VN_TZ).date()
                name_counter = dossier_counter_name(day, slot)
                per_day[day] += 1
                days_in_batch.add(day)
                number = max(used.get(name_counter, 0), slot * SLOT_SIZE) + per_day[day]
                if number not in slot_range:
                    raise ValidationError("counter_slot_exhausted", f"too many demo dossiers on {day}")
                d, evs = _dossier(
                    rng, index, received_at, now, procedures, calendar, settings.unit_code, day, number, slot
                )
                dossiers.append(d)
                events.extend(evs)
                keys.append(
                    {
                        "entity": Entity.DOSSIER,
                        "entity_id": d["id"],
                        "keys": record_keys(Entity.DOSSIER, d),
                    }
                )
            with Session(bind=connection) as session, session.begin():
                mark_demo_store(session, now)
                _insert_rows(driver_connection(session), dossiers, events, keys)
                for day in days_in_batch:  # the counters travel with their codes
                    name_counter = dossier_counter_name(day, slot)
                    base = max(used.get(name_counter, 0), slot * SLOT_SIZE)
                    set_counter(session, name_counter, base + per_day[day])
            events_written += len(events)
            done += len(chunk)
            if progress:
                progress(done, count)
    incoming = outgoing = 0
    if documents and count:
        incoming, outgoing = _documents(services, rng, now, count)
    return DemoSummary(dossiers=count, events=events_written, incoming=incoming, outgoing=outgoing)


@contextmanager
def _bulk_connection(services: Any) -> Iterator[Connection]:
    """One write connection for every batch, with a large page cache while it lasts.

    A million dossiers make indexes of hundreds of megabytes keyed by random
    ids; with SQLite's default 2 MB cache each batch re-read and spilled the
    same index pages many times. The cache is set back before the connection
    returns to the pool.
    """
    engine = services.store.engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
    with engine.connect() as connection:
        db = connection.connection.driver_connection
        db.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            yield connection
        finally:
            db.execute(f"PRAGMA cache_size={DEFAULT_CACHE_PAGES}")


# Prepared statements on the driver connection, as the intake writes (the ORM's bulk
# insert spent more CPU processing parameters than SQLite spent storing them); the
# stored forms are the ORM's (tests/unit/services/test_demo.py compares them).
_DOSSIER_SQL = (
    "INSERT INTO dossiers (id, code, procedure_code, applicant_name, applicant_id_number, "
    "applicant_phone, applicant_address, status, received_at, appointment_at, finished_at, "
    "returned_at, received_by, counter_slot, notes, received_papers, applicant_date_of_birth, "
    "extension, created_at, updated_at, server_version, dirty) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', NULL, '', ?, ?, NULL, 0)"
)
_EVENT_SQL = (
    "INSERT INTO dossier_events (id, dossier_id, local_order, kind, at, actor, note, data, "
    "server_version, dirty) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', NULL, 0)"
)
_KEYS_SQL = "INSERT INTO search_keys (entity, entity_id, keys) VALUES (?, ?, ?)"


def _insert_rows(
    db: sqlite3.Connection,
    dossiers: list[dict[str, Any]],
    events: list[dict[str, Any]],
    keys: list[dict[str, Any]],
) -> None:
    """Write a batch's dossiers, events and search keys (the trigger fills the FTS5 index)."""

    def utc(value: datetime | None) -> str | None:
        return None if value is None else to_utc_text(value)

    db.executemany(
        _DOSSIER_SQL,
        [
            (
                d["id"],
                d["code"],
                d["procedure_code"],
                d["applicant_name"],
                d["applicant_id_number"],
                d["applicant_phone"],
                d["applicant_address"],
                d["status"],
                to_utc_text(d["received_at"]),
                to_utc_text(d["appointment_at"]),
                utc(d["finished_at"]),
                utc(d["returned_at"]),
                d["received_by"],
                d["counter_slot"],
                d["notes"],
                to_utc_text(d["created_at"]),
                to_utc_text(d["updated_at"]),
            )
            for d in dossiers
        ],
    )
    db.executemany(
        _EVENT_SQL,
        [
            (
                e["id"],
                e["dossier_id"],
                e["local_order"],
                e["kind"],
                to_utc_text(e["at"]),
                e["actor"],
                e["note"],
            )
            for e in events
        ],
    )
    db.executemany(_KEYS_SQL, [(k["entity"], k["entity_id"], k["keys"]) for k in keys])


def _received_times(rng: random.Random, calendar: WorkCalendar, now: datetime, count: int) -> list[datetime]:
    """Sorted receipt moments on working days within office hours over the last two years."""
    span = max(730, math.ceil(count / 250 * 7 / 5))
    today = now.astimezone(VN_TZ).date()
    days = [today - timedelta(days=i) for i in range(span)]
    days = [d for d in days if calendar.is_working_day(d)]
    sessions = calendar.hours.sessions
    moments = []
    for _ in range(count):
        day = rng.choice(days)
        open_at, close_at = rng.choice(sessions)
        start = datetime.combine(day, open_at, tzinfo=VN_TZ)
        length = (datetime.combine(day, close_at) - datetime.combine(day, open_at)).total_seconds()
        moment = start + timedelta(seconds=rng.uniform(0, length))
        moments.append(min(moment, now - timedelta(minutes=1)))
    moments.sort()
    return moments


def _person(rng: random.Random, index: int) -> tuple[str, str, str | None, str]:
    """Name, CCCD number, phone, address of a demo applicant."""
    female = rng.random() < 0.55
    surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    if index == 10:  # the benchmark and the README search for this one
        surname, middle, given, female = "Đặng", "Thị", "Đào", True
    year = rng.randint(1945, 2007)
    century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
    id_number = f"001{century_digit}{year % 100:02d}{rng.randint(0, 999_999):06d}"
    phone = None
    if rng.random() < 0.8:
        prefix = rng.choice(
            (
                "090",
                "091",
                "093",
                "094",
                "096",
                "097",
                "098",
                "086",
                "088",
                "035",
                "038",
                "070",
                "077",
                "081",
                "083",
                "056",
                "058",
            )
        )
        phone = f"{prefix}{rng.randint(0, 9_999_999):07d}"
    address = f"Số {rng.randint(1, 199)} {rng.choice(STREETS)}, phường {rng.choice(WARDS)}, Hà Nội"
    return f"{surname} {middle} {given}", id_number, phone, address


def _target_status(rng: random.Random, index: int, age: timedelta) -> DossierStatus:
    if index < len(S):
        return list(S)[index]
    table = RECENT if age <= timedelta(days=3) else MONTH if age <= timedelta(days=30) else OLD
    return rng.choices(list(table), weights=list(table.values()))[0]


def _dossier(
    rng: random.Random,
    index: int,
    received_at: datetime,
    now: datetime,
    procedures: list[Procedure],
    calendar: WorkCalendar,
    unit: str,
    day: date,
    number: int,
    slot: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    procedure = rng.choice(procedures)
    limit = TimeLimit(DayKind(procedure.day_kind), procedure.time_limit)
    appointment = calendar.appointment(received_at, limit)
    target = _target_status(rng, index, now - received_at)
    first = E.REGISTERED_ONLINE if target == S.REGISTERED_ONLINE else E.RECEIVED
    kinds = [first, *PATHS[target]]
    if target in (S.RETURNED, S.RESULT_READY) and rng.random() < 0.12:
        kinds[2:2] = [E.SUPPLEMENT_REQUESTED, E.SUPPLEMENT_RECEIVED]
    status = derive_status(kinds)
    assert status == target
    on_time = rng.random() < 0.85
    clerk = rng.choice(CLERKS)
    times = [received_at]
    paused: list[tuple[datetime, datetime]] = []
    for kind in kinds[1:]:
        previous = times[-1]
        if kind == E.SUPPLEMENT_RECEIVED:
            moment = previous + timedelta(days=rng.uniform(1, 6))
            paused.append((previous, moment))
            appointment = (
                calendar.appointment(received_at, limit, paused=paused)
                if limit.kind != DayKind.ON_RECEIPT
                else appointment
            )
        elif kind == E.RESULT_READY:
            if on_time and appointment > previous:
                moment = previous + (appointment - previous) * rng.uniform(0.2, 1.0)
            else:
                moment = appointment + timedelta(hours=rng.uniform(1, 72))
        elif kind == E.RETURNED:
            moment = previous + timedelta(hours=rng.uniform(0.5, 96))
        else:
            moment = previous + timedelta(minutes=rng.uniform(5, 240))
        times.append(max(previous, min(moment, now)))
    dossier_id = time_ordered_id(received_at)
    finished = times[kinds.index(E.RESULT_READY)] if E.RESULT_READY in kinds else None
    returned = times[kinds.index(E.RETURNED)] if E.RETURNED in kinds else None
    name, id_number, phone, address = _person(rng, index)
    dossier = {
        "id": dossier_id,
        "code": format_dossier_code(unit, day, number),
        "procedure_code": procedure.code,
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_address": address,
        "status": int(status),
        "received_at": received_at,
        "appointment_at": appointment,
        "finished_at": finished,
        "returned_at": returned,
        "received_by": clerk,
        "counter_slot": slot,
        "notes": "",
        "created_at": received_at,
        "updated_at": times[-1],
        "server_version": None,
        "dirty": False,
    }
    events: list[dict[str, Any]] = [
        {
            "id": time_ordered_id(at),
            "dossier_id": dossier_id,
            "local_order": i + 1,
            "kind": kind.value,
            "at": at,
            "actor": clerk,
            "note": "",
            "data": {},
            "server_version": None,
            "dirty": False,
        }
        for i, (kind, at) in enumerate(zip(kinds, times, strict=True))
    ]
    return dossier, events


def time_ordered_id(moment: datetime, rng: random.Random = _ID_BITS) -> str:
    """A version 7 UUID (RFC 9562): the moment's milliseconds, then random bits.

    Demo records are written a batch at a time in the order they were
    received; ids that follow that order land at the end of the primary-key
    indexes instead of all over them. With random (version 4) ids every batch
    rewrote a third of those indexes at a million dossiers (~50 GB written).
    The random bits come from their own generator: the seeded one that picks
    names and statuses draws exactly what it drew before.
    """
    millis = int(moment.timestamp() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def _refuse_real_store(session: Any, server_url: str | None) -> None:
    """Demo data goes only into a demo store or an empty one that no server knows."""
    if is_demo_store(session):
        return
    real = server_url is not None or any(
        session.execute(select(model.id).limit(1)).first() is not None
        for model in (Dossier, IncomingDocument, OutgoingDocument)
    )
    if real:
        raise ValidationError("demo_refused", "the store holds real records or syncs with a server")


def _documents(services: Any, rng: random.Random, now: datetime, count: int) -> tuple[int, int]:
    """A few incoming and outgoing register entries, in date order, in one transaction.

    Numbered from the store's own series like the registers do, but local-only
    (not dirty, no outbox operation), like the demo dossiers.
    """
    today = now.astimezone(VN_TZ).date()
    n_in = min(300, max(3, count // 500))
    n_out = min(150, max(2, count // 1000))
    in_days = sorted(today - timedelta(days=rng.randint(0, 729)) for _ in range(n_in))
    out_days = sorted(today - timedelta(days=rng.randint(0, 729)) for _ in range(n_out))
    with services.store.write.begin() as session:
        for day in in_days:
            _demo_incoming(services, session, rng, now, day)
        for day in out_days:
            _demo_outgoing(services, session, rng, now, day)
    return n_in, n_out


def _demo_incoming(services: Any, session: Any, rng: random.Random, now: datetime, day: date) -> None:
    series = series_key(SeriesKind.INCOMING, day.year)
    number = services._take_number(session, series, provisional_ok=False)
    assigned = rng.random() < 0.7
    doc = IncomingDocument(
        id=str(uuid.uuid4()),
        series=series,
        number=number,
        received_on=day,
        author=rng.choice(AUTHORS),
        summary=rng.choice(SUMMARIES),
        number_symbol=f"{rng.randint(1, 999)}/{rng.choice(('UBND-VP', 'STP-HCTP', 'SNV-CQ'))}",
        document_date=day - timedelta(days=rng.randint(0, 5)),
        doc_type="Công văn",
        urgency="",
        secrecy="",
        handler=rng.choice(CLERKS) if assigned else "",
        co_handlers=[],
        deadline=day + timedelta(days=rng.randint(3, 15)) if assigned else None,
        assigned_at=now if assigned else None,
        created_at=now,
        updated_at=now,
        server_version=None,
        dirty=False,
    )
    session.add(doc)
    services._record_issue(session, series, number, Entity.INCOMING_DOCUMENT, doc.id)
    services._index_incoming(session, doc)


def _demo_outgoing(services: Any, session: Any, rng: random.Random, now: datetime, day: date) -> None:
    symbol, doc_type = rng.choice(OUT_SYMBOLS)
    doc = OutgoingDocument(
        id=str(uuid.uuid4()),
        series=series_key(SeriesKind.OUTGOING, day.year),
        number=None,
        symbol=symbol,
        number_symbol="",
        state="draft",
        doc_type=doc_type,
        summary=rng.choice(SUMMARIES),
        signer="Chủ tịch UBND phường",
        recipients=["Như trên", "Lưu: VT"],
        copies=1,
        issued_on=None,
        created_at=now,
        updated_at=now,
        server_version=None,
        dirty=False,
    )
    session.add(doc)
    services._issue(session, doc, day)
    services._index_outgoing(session, doc)
