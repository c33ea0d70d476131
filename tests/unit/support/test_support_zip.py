"""The support archive carries no citizen's personal data and no secret, yet helps support.

Generated citizens (Vietnamese names, valid CCCD/CMND numbers, mobile and
landline phones, addresses) are received at the counter of a real store, and
the same values are leaked into the log in the forms a careless log line
might use (as typed, without accents, digits spaced or with +84), next to
tokens and passwords. Nothing of it may be found in any member of the zip.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.identity import PROVINCE_CODES
from commune_desk.domain.text import fold
from commune_desk.support.bundle import write_support_zip
from commune_desk.support.report import collect
from commune_desk.support.scrub import Scrubber

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thu", "Quốc", "Thanh", "Xuân"]
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
MOBILE_PREFIXES = ["032", "038", "052", "056", "070", "079", "081", "086", "090", "091", "098"]


@dataclass(frozen=True)
class Citizen:
    """One person at the counter."""

    name: str
    id_number: str
    phone: str
    address: str


def _given_name() -> st.SearchStrategy[str]:
    return st.text(alphabet=LETTERS, min_size=2, max_size=7).map(str.capitalize)


def _cccd() -> st.SearchStrategy[str]:
    return st.builds(
        lambda p, c, y, r: f"{p}{c}{y:02d}{r:06d}",
        st.sampled_from(sorted(PROVINCE_CODES)),
        st.sampled_from([0, 1]),
        st.integers(0, 99),
        st.integers(0, 999_999),
    )


def _cmnd() -> st.SearchStrategy[str]:
    return st.integers(10**8, 10**9 - 1).map(str)


def _phone() -> st.SearchStrategy[str]:
    mobile = st.builds(
        lambda p, r: f"{p}{r:07d}", st.sampled_from(MOBILE_PREFIXES), st.integers(0, 9_999_999)
    )
    landline = st.integers(0, 999_999_999).map(lambda n: f"02{n:09d}")
    return mobile | landline


CITIZENS = st.builds(
    Citizen,
    name=st.builds(
        lambda f, m, g: f"{f} {m} {g}", st.sampled_from(FAMILY), st.sampled_from(MIDDLE), _given_name()
    ),
    id_number=_cccd() | _cmnd(),
    phone=_phone(),
    address=st.builds(
        lambda n, street, ward: f"Số {n} {street}, phường {ward}",
        st.integers(1, 999),
        _given_name().map(lambda s: f"Phố {s}"),
        _given_name(),
    ),
)

SECRETS = [
    "Authorization: Bearer Zk3fQ9xL2mVb7TqR1sWc8YhN4uJp6AeD0gKiOoMnBvC",
    "refresh_token=kQ7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zXcVbNmQwErTy",
    "password=hai-trieu-mat-khau",
    "login failed for http://lan.nt:sieu-bi-mat@10.0.0.5:8080/v1",
]
SECRET_VALUES = [
    "Zk3fQ9xL2mVb7TqR1sWc8YhN4uJp6AeD0gKiOoMnBvC",
    "kQ7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zXcVbNmQwErTy",
    "hai-trieu-mat-khau",
    "sieu-bi-mat",
]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    app = open_context(tmp_path_factory.mktemp("office") / "data", Clock(TUESDAY_9AM))
    yield app
    app.close()


def _spaced(digits: str) -> list[str]:
    """The ways a careless line might write a number."""
    forms = [digits, " ".join(re.findall(".{1,3}", digits)), ".".join(re.findall(".{1,4}", digits))]
    if digits.startswith("0"):
        forms += ["+84" + digits[1:], "+84 " + " ".join(re.findall(".{1,3}", digits[1:]))]
    return forms


def _leak(app: AppContext, citizens: list[Citizen]) -> None:
    lines = []
    for c in citizens:
        for form in _spaced(c.id_number) + _spaced(c.phone):
            lines.append(f"2026-03-10 09:00:00,001 WARNING cd-store commune_desk.x: value {form} refused")
        lines += [
            f"2026-03-10 09:00:01,001 ERROR cd-store commune_desk.x: cannot save {c.name} at {c.address}",
            f"2026-03-10 09:00:02,001 INFO cd-store commune_desk.x: search '{fold(c.name)}'",
            f"2026-03-10 09:00:03,001 INFO cd-store commune_desk.x: {c.name.upper()} / {fold(c.address)}",
        ]
    lines += [f"2026-03-10 09:00:04,001 WARNING cd-network commune_desk.sync: {s}" for s in SECRETS]
    lines.append(
        "2026-03-10 09:00:05,001 WARNING cd-network commune_desk.sync.engine: "
        "sync round failed: offline: POST /push: connection reset"
    )
    app.paths.logs_dir.mkdir(parents=True, exist_ok=True)
    with (app.paths.logs_dir / "commune-desk.log").open("a", encoding="utf-8") as log:
        log.write("\n".join(lines) + "\n")


def _forbidden(c: Citizen) -> list[str]:
    return [
        c.name,
        fold(c.name),
        c.name.upper(),
        c.address,
        fold(c.address),
        *_spaced(c.id_number),
        *_spaced(c.phone),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(citizens=st.lists(CITIZENS, min_size=1, max_size=3))
def test_no_personal_data_or_secret_leaves_in_the_support_zip(
    office: AppContext, citizens: list[Citizen], tmp_path_factory: pytest.TempPathFactory
) -> None:
    for c in citizens:
        office.services.register_dossier(
            new_dossier(
                applicant_name=c.name,
                applicant_id_number=c.id_number,
                applicant_phone=c.phone,
                applicant_address=c.address,
            )
        )
    _leak(office, citizens)
    path = write_support_zip(office, tmp_path_factory.mktemp("zip"))
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "log-tail.txt", "report.json", "summary.txt"]
        text = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        report = json.loads(archive.read("report.json"))
    folded = fold(text)
    for c in citizens:
        for value in _forbidden(c):
            assert value not in text, f"{value!r} found in the support zip"
            assert fold(value) not in folded, f"{value!r} (without accents) found in the support zip"
    for secret in SECRET_VALUES:
        assert secret not in text
    # ... and it still says what support needs.
    assert {c["key"] for c in report["checks"]} >= {
        "versions",
        "database",
        "sync",
        "clock",
        "disk",
        "backup",
        "log",
    }
    assert report["facts"]["versions"]["app"]
    assert "sync round failed: offline" in text
    assert "[họ tên]" in text and "[bí mật]" in text


def test_scrubber_keeps_what_support_needs() -> None:
    scrub = Scrubber([("Đặng Thị Đào", "[họ tên]")])
    keep = [
        "dossier 3f2b9c1e-7a4d-4e2b-9c1d-0a1b2c3d4e5f code 000.00.06.H26-260310-1001",
        "blob 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 missing",
        "CommuneDesk 0.1.0, SQLite 3.40.1, pushed 12, pulled 340, cursor 5120",
        "sync round done: pushed 4, pulled 3, pending 0, quarantined 1, conflicts 0",
        "GET http://192.168.100.200:8080/v1/pull failed, 10.0.0.5 answered",
    ]
    for line in keep:
        assert scrub(line) == line
    assert scrub("gọi 0912.345.678 hoặc +84 912 345 678") == "gọi [số điện thoại] hoặc [số điện thoại]"
    assert scrub("CCCD 001190012345, CMND 123 456 789") == "CCCD [số định danh], CMND [số định danh]"
    assert scrub("dang thi dao, ĐẶNG THỊ ĐÀO, Đặng  Thị Đào") == "[họ tên], [họ tên], [họ tên]"
    assert scrub("mail lan@ubnd.gov.vn") == "mail [email]"
    mixed = scrub("CCCD 001.190.012.245 và 192.168.1.10")
    assert "245" not in mixed and mixed.endswith(" và 192.168.1.10")


def test_the_checks_say_what_to_do_in_vietnamese(office: AppContext) -> None:
    report = collect(office, verify_blobs=False)
    by_key = {c.key: c for c in report.checks}
    assert by_key["backup"].status == "fail"  # nothing backed up in this folder yet
    assert "Sao lưu ngay" in by_key["backup"].advice()
    assert by_key["sync"].outcome == "sync.local"
    assert by_key["database"].status == "ok"
    assert all(c.found() and "{" not in c.found() for c in report.checks)
