"""Spotting which plugged-in drives carry a CommuneDesk update."""

from __future__ import annotations

from pathlib import Path

from commune_desk.update import UPDATE_FOLDER, detect_update_sticks


def test_only_drives_with_an_update_folder_are_offered(tmp_path: Path) -> None:
    """A stick with the update folder is found; one with only documents, or a vanished one, not."""
    with_update = tmp_path / "E"
    (with_update / UPDATE_FOLDER / "metadata").mkdir(parents=True)
    (with_update / UPDATE_FOLDER / "metadata" / "timestamp.json").write_text("{}")
    documents = tmp_path / "F"
    (documents / "Văn bản").mkdir(parents=True)
    gone = tmp_path / "G"
    assert detect_update_sticks([with_update, documents, gone]) == [with_update]
