"""Cập nhật từ USB on the settings page: a real stick from the release tool, verified with TUF.

The app's trusted root is pointed at a release repository made with its own
keys (through the resources folder, as an installed bundle would ship it);
the verification and the store write run on the store thread of the real app.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.integration.delivery.support import REPO_ROOT, StickMaker, catalogue, holidays

from commune_desk.messages import update_message
from commune_desk.update import UPDATE_FOLDER, AppliedItem, UpdateKind, UpdateResult
from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.repository import ReleaseRepository


@pytest.fixture()
def sticks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StickMaker:
    """A release repository whose root this installation trusts, and a stick factory."""
    release = ReleaseRepository.init(tmp_path / "release")
    resources = tmp_path / "resources"
    shutil.copytree(REPO_ROOT / "resources", resources)
    shutil.copyfile(release.folder / "metadata" / "1.root.json", resources / "update" / "root.json")
    monkeypatch.setenv("COMMUNE_DESK_RESOURCES_DIR", str(resources))
    return StickMaker(tmp_path, release)


def _stick(sticks: StickMaker) -> Path:
    sticks.reference_data(
        ReferenceDataPackage(
            procedures=catalogue(7, extra_name="Đăng ký khai sinh (mẫu mới)"),
            holidays=holidays(3, "2027-02-15"),
        ),
        "reference-data-7.json",
    )
    sticks.msi("99.0.0", b"MSI stand-in payload " * 100)
    return sticks.write()


def _state(desktop: Any) -> dict[str, Any]:
    """What an update may change: the store's reference data and the trusted metadata."""
    services = desktop.ctx.services
    machine = desktop.paths.data_dir / "machine"  # the per-machine folder, beside test data
    tuf, staging = machine / "update-state" / "tuf", machine / "updates"
    return desktop.call_on_store(
        lambda: {
            "catalogue": services.catalogue_version(),
            "procedures": [(p.code, p.name) for p in services.list_procedures()],
            "days_off": sorted(services.get_settings().extra_days_off),
            "tuf": sorted((p.name, p.read_bytes()) for p in tuf.rglob("*") if p.is_file())
            if tuf.exists()
            else [],
            "staged": sorted(p.name for p in staging.rglob("*.msi")),
        }
    )


def test_stick_found_verified_and_applied_from_the_settings_page(
    desktop: Any,
    sticks: StickMaker,
    qtbot: Any,
    idle: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = _stick(sticks)
    empty = tmp_path / "other-drive"
    empty.mkdir()
    monkeypatch.setattr("commune_desk.update.detect.candidate_roots", lambda: [empty, stick])
    page = desktop.window.show_page("settings")
    box = page.usb_box
    idle(desktop)
    assert box.stick() == stick  # found when the page opened
    box.stick_combo.clear()
    assert not box.apply_button.isEnabled()
    box.find_button.click()
    qtbot.waitUntil(lambda: box.stick() == stick, timeout=10_000)
    assert box.stick_combo.count() == 1  # the drive without an update is not offered
    before = _state(desktop)
    assert before["catalogue"] != 7

    changed: list[Any] = []
    desktop.events.store_changed.connect(changed.append)
    with qtbot.waitSignal(box.finished, timeout=60_000) as finished:
        box.apply_button.click()
    result = finished.args[0]
    assert result.kind == UpdateKind.STAGED_NOT_INSTALLED, result  # the MSI waits for the task
    text = box.result_label.text()
    assert text.startswith("Bản cập nhật hợp lệ. Bộ cài đặt phiên bản 99.0.0 đã được chép")
    assert "ngày nghỉ, ngày làm bù (bản 3); danh mục thủ tục (bản 7)" in text
    assert "{" not in text
    assert box.result_label.property("role") == "ok"

    after = _state(desktop)
    assert after["catalogue"] == 7
    assert "Đăng ký khai sinh (mẫu mới)" in {name for _code, name in after["procedures"]}
    assert after["days_off"] == [date(2027, 2, 15)]
    assert after["staged"] == ["CommuneDesk-99.0.0.msi"]
    assert any("procedure" in c.entities for c in changed)
    idle(desktop)
    assert "15/02/2027" in page.days_off_edit.toPlainText()  # the page reloaded its fields

    with qtbot.waitSignal(box.finished, timeout=60_000) as again:
        box.apply_button.click()
    assert again.args[0].kind == UpdateKind.STAGED_NOT_INSTALLED  # not "up to date"
    assert box.result_label.property("role") == "ok"


def test_tampered_stick_is_refused_with_the_clerks_message_and_changes_nothing(
    desktop: Any,
    sticks: StickMaker,
    qtbot: Any,
    idle: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = _stick(sticks)
    target = next((stick / UPDATE_FOLDER / "targets" / "reference-data").iterdir())
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    monkeypatch.setattr("commune_desk.update.detect.candidate_roots", lambda: [])
    page = desktop.window.show_page("settings")
    box = page.usb_box
    idle(desktop)
    assert box.stick() is None and box.result_label.text() == ""  # quiet when nothing is found
    box.find_button.click()
    qtbot.waitUntil(lambda: "Không thấy USB cập nhật" in box.result_label.text(), timeout=10_000)
    monkeypatch.setattr(box, "ask_folder", lambda: str(stick / UPDATE_FOLDER))
    box.choose_button.click()
    assert box.stick() == stick / UPDATE_FOLDER
    before = _state(desktop)
    with qtbot.waitSignal(box.finished, timeout=60_000) as finished:
        box.apply_button.click()
    result = finished.args[0]
    assert result.kind == UpdateKind.TAMPERED and not result.ok
    assert box.result_label.text() == (
        "Bản cập nhật trên USB đã bị sửa đổi hoặc hỏng nên KHÔNG được cài. "
        "Không có gì thay đổi trên máy. Hãy báo cán bộ CNTT."
    )
    assert box.result_label.property("role") == "error"
    assert _state(desktop) == before
    assert not desktop.errors.shown  # a refusal is an answer, not an error dialog


def test_installer_started_tells_the_clerk_and_closes_the_window(
    desktop: Any,
    qtbot: Any,
) -> None:
    from commune_desk.ui.api import StickUpdate

    window = desktop.window
    box = window.show_page("settings").usb_box
    result = UpdateResult.of(
        UpdateKind.APPLIED,
        items=(AppliedItem("msi", "0.9.0", "msi/CommuneDesk-0.9.0.msi", "installer-started"),),
    )
    with qtbot.waitSignal(box.installer_started):
        box._show_update(StickUpdate(result))  # noqa: SLF001 - msiexec exists only on Windows
    assert "Phần mềm sẽ tự đóng lại" in box.result_label.text()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_every_update_kind_has_the_clerks_sentence() -> None:
    """Each outcome carries the catalogue's own sentence for its kind, never the generic one."""
    from commune_desk.messages import UNKNOWN_KIND

    generic = UNKNOWN_KIND.split("(")[0]
    for kind in UpdateKind:
        assert UpdateResult.of(kind).message == update_message(kind)  # fields without values kept
        assert not update_message(kind).startswith(generic), kind


def test_refusals_are_translated_in_english_mode(make_desktop: Any) -> None:
    from commune_desk.ui.usb_update import result_message

    make_desktop(lang="en")
    text = result_message(UpdateResult.of(UpdateKind.TAMPERED))
    assert text.startswith("The update on the USB stick was altered")
