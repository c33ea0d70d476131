"""Settings page, "Khi mất mạng nhiều ngày": the relay address and a USB carry round trip.

Real parts: the city server on an ephemeral port, the real app on the store
thread, the real ``city-server carry import`` between export and import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.city_server import RunningServer, run_city_server, sqlite_url
from tests.helpers.memory_keyring import memory_keyring

from city_server.cli import main as city_main
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths


@pytest.fixture()
def city(tmp_path: Path) -> Iterator[RunningServer]:
    """The real city server on an ephemeral port, with an in-memory keyring for the client."""
    with memory_keyring(), run_city_server(sqlite_url(tmp_path), communes=("C01",)) as server:
        yield server


def test_relay_address_and_carry_round_trip_from_the_settings_page(
    city: RunningServer, make_desktop: Any, qtbot: Any, keys: Any, idle: Any, tmp_path: Path
) -> None:
    from commune_desk.sync.account import login
    from commune_desk.sync.relay_link import relay_settings

    data = tmp_path / "data"
    with AppContext.open(AppPaths(data_dir=data, backup_dir=data / "backups")) as ctx:
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
    desktop = make_desktop()
    page = desktop.window.show_page("settings")
    box = page.relay_box
    idle(desktop)

    # A wrong address is refused in Vietnamese; a right one is kept.
    keys(box.url_edit, "máy-chủ")
    box.save()
    assert "phải bắt đầu bằng http://" in box.result_label.text()
    box.url_edit.clear()
    keys(box.url_edit, "http://192.0.2.1:8765")
    box.save()
    qtbot.waitUntil(lambda: box.result_label.text() == "Đã lưu.", timeout=10_000)
    store = desktop.ctx.services.store

    def stored() -> Any:
        with store.read() as session:
            return relay_settings(session)

    assert desktop.call_on_store(stored).url == "http://192.0.2.1:8765"
    box.url_edit.clear()
    box.save()
    qtbot.waitUntil(lambda: desktop.call_on_store(stored).url is None, timeout=10_000)

    # A file that is not a reply bundle is refused, with the reason.
    junk = tmp_path / "junk.cdcarry"
    junk.write_bytes(b"not a bundle")
    box.ask_file = lambda: str(junk)  # type: ignore[method-assign]
    box.import_from_stick()
    qtbot.waitUntil(lambda: "bị sửa hoặc hỏng" in box.result_label.text(), timeout=10_000)

    # Carry: export to the stick, import at the city, import the reply.
    qtbot.waitUntil(
        lambda: desktop.sync is not None and desktop.sync.engine.status.last_success_at is not None,
        timeout=30_000,
    )
    stick = tmp_path / "stick"
    box.ask_folder = lambda: str(stick)  # type: ignore[method-assign]
    box.export_to_stick()
    qtbot.waitUntil(lambda: "Đã chép" in box.result_label.text(), timeout=10_000)
    (bundle,) = stick.glob("*.cdcarry")
    assert (
        city_main(["carry", "import", str(bundle), "--reply-to", str(stick / "reply"), "--db", city.db_url])
        == 0
    )
    (reply,) = (stick / "reply").glob("*.cdcarry")
    box.ask_file = lambda: str(reply)  # type: ignore[method-assign]
    box.import_from_stick()
    qtbot.waitUntil(lambda: "Đã nhận kết quả" in box.result_label.text(), timeout=10_000)
    box.import_from_stick()
    qtbot.waitUntil(lambda: "đã được nhập trước đây" in box.result_label.text(), timeout=10_000)
    page.grab().save(str(tmp_path / "settings.png"))
    desktop.close()
