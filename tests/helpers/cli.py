"""Run ``commune-desk`` in-process as the console script does, with a given standard input."""

from __future__ import annotations

import io

import pytest

from commune_desk.cli.main import main


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str = ""
) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``commune-desk ARGV``."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err
