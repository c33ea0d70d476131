"""The support checks in plain Vietnamese: what was found and what to do about it.

The sentences live in the application's one message catalogue
(:mod:`commune_desk.messages`, keys ``support.<check>.<outcome>``, their
advice ``….advice``, headings ``support.title.<check>``, statuses
``support.status.<status>``); the command line and the archive's
``summary.txt`` use them as written, the diagnostics panel through Qt's
translation.
"""

from __future__ import annotations

from typing import Any

from commune_desk.messages import message, source_text


def found_key(outcome: str) -> str:
    """Catalogue key of what an outcome found."""
    return f"support.{outcome}"


def advice_key(outcome: str) -> str:
    """Catalogue key of what to do about an outcome (absent when nothing)."""
    return f"support.{outcome}.advice"


def title(check: str) -> str:
    """Heading of a check."""
    return message(f"support.title.{check}")


def status_word(status: str) -> str:
    """The clerk's word for a status (ok, info, warn, fail)."""
    return message(f"support.status.{status}")


def fill(text: str, params: dict[str, Any]) -> str:
    """``text`` with its ``{name}`` fields from ``params`` (``?`` for a missing one)."""
    return text.format_map(_Missing(params))


def describe(outcome: str, params: dict[str, Any]) -> tuple[str, str]:
    """(what was found, what to do) for a check's outcome, in Vietnamese."""
    found = source_text(found_key(outcome)) or outcome
    advice = source_text(advice_key(outcome)) or ""
    return fill(found, params), fill(advice, params)


class _Missing(dict[str, Any]):
    """Formats a missing field as ``?`` rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"
