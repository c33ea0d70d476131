"""An in-memory keyring backend so tests never touch the machine's real keyring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.backend
import keyring.errors
from keyring.compat import properties


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets in a dict of this process; gone when the process ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored secret or None."""
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a secret."""
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Delete a secret; raise like real backends when it is absent."""
        try:
            del self.secrets[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install a fresh in-memory keyring for the duration of the block."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


class FileKeyring(keyring.backend.KeyringBackend):
    """Secrets in a JSON file, so a child process shares the parent's keyring (as the OS's does).

    Test use only (the secrets are in clear text); the file is rewritten whole on
    every change and read on every lookup.
    """

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805  (a class property, as keyring declares it)
        """Viable only where a test named the file (keyring's detection skips it elsewhere)."""
        import os

        if FILE_KEYRING_ENV not in os.environ:
            raise RuntimeError(f"{FILE_KEYRING_ENV} is not set")
        return 1

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        import os

        self.path = path or os.environ[FILE_KEYRING_ENV]

    def _load(self) -> dict[str, str]:
        import json

        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, str]) -> None:
        import json
        import os

        partial = f"{self.path}.partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(partial, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored secret or None."""
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a secret."""
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        """Delete a secret; raise like real backends when it is absent."""
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(data)


#: Environment variable naming the file of a :class:`FileKeyring` (for child processes).
FILE_KEYRING_ENV = "COMMUNE_TEST_KEYRING_FILE"
