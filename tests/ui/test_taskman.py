"""The task manager hands every result back on the GUI thread, in the order the tasks ran."""

from __future__ import annotations

import threading
from typing import Any


def test_results_come_back_on_the_gui_thread_in_order(qapp: Any, qtbot: Any) -> None:
    from commune_desk.ui.taskman import STORE_THREAD, TaskManager

    tasks = TaskManager()
    seen: list[tuple[str, int, bool]] = []
    try:
        for n in range(20):
            tasks.run_on_store(
                lambda n=n: (threading.current_thread().name, n),
                lambda result, error: seen.append(
                    (result[0], result[1], threading.current_thread() is threading.main_thread())
                ),
            )
        tasks.run_on_network(
            lambda: 1 / 0, lambda result, error: seen.append(("error", 0, error is not None))
        )
        qtbot.waitUntil(lambda: len(seen) == 21, timeout=10_000)
    finally:
        tasks.shutdown(wait=True)
        tasks.deleteLater()
    store = [s for s in seen if s[0] != "error"]
    assert [n for _name, n, _gui in store] == list(range(20))
    assert all(name.startswith(STORE_THREAD) and on_gui for name, _n, on_gui in store)
    assert ("error", 0, True) in seen
