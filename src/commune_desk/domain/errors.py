"""Typed errors of the domain rules.

Every error carries a machine-readable ``kind`` (stable, snake_case) so that
the UI and the CLI can say it in the clerk's language, and the ``field`` it is
about when there is one. ``str(error)`` is an English sentence for logs.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a rule of the domain said no."""

    def __init__(self, kind: str, message: str, *, field: str | None = None, **params: Any):
        super().__init__(message)
        self.kind = kind
        self.field = field
        self.params: dict[str, Any] = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r}, field={self.field!r}, params={self.params!r})"


class ValidationError(DomainError):
    """Input that can never be accepted as typed (bad ID number, phone, empty name...)."""


class IllegalTransition(DomainError):
    """A dossier event that the state machine does not allow in the current status."""


class NumberingError(DomainError):
    """A code or register-book number cannot be issued (lease exhausted, bad series...)."""
