"""Credentials of the sync account: secrets in the OS keyring, offline verifier.

The refresh token, the access token and the device's private key are secrets:
they live in the operating system's keyring (Windows Credential Manager on
office PCs), never in the store, the settings or the logs. What is kept on
disk is the account's public facts and a salted, memory-hard *password
verifier* (scrypt) so the clerk can unlock the application while the network
is down; the verifier cannot be turned back into the password cheaply.

Where the OS has no keyring (a Linux machine without a desktop session) the
IT officer may choose ``--insecure-storage`` at login, as the GitHub CLI
does: the secrets then go to :data:`INSECURE_FILE_NAME` in the data folder,
readable by the PC's user only (0600), and the app says so wherever it shows
the sync account.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from types import ModuleType
from typing import Protocol

from commune_desk.domain.passwords import PasswordVerifier
from commune_desk.sync.errors import SyncError, SyncErrorKind

__all__ = ["KEYRING_SERVICE", "PasswordVerifier", "TokenVault"]

#: Keyring service name; the keyring "username" is ``{server_url}|{device_id}``.
KEYRING_SERVICE = "CommuneDesk sync"
#: Keyring service of the device's private key (the "username" is the device id).
DEVICE_KEY_SERVICE = "CommuneDesk device key"
#: The secrets file of ``--insecure-storage``, in the data folder.
INSECURE_FILE_NAME = "insecure-secrets.json"
#: Where the secrets of an account are kept (``Account.secret_storage``).
STORAGE_KEYRING = "keyring"
STORAGE_FILE = "file"


class SecretBackend(Protocol):
    """Where secrets go: the OS keyring or the insecure-storage file."""

    def get(self, service: str, account: str) -> str | None:
        """The secret, or None."""

    def set(self, service: str, account: str, secret: str) -> None:
        """Store or replace a secret."""

    def delete(self, service: str, account: str) -> None:
        """Forget a secret; no error when absent."""


def _keyring() -> ModuleType:
    """The ``keyring`` package, imported when a secret is first read or written (it loads
    its backends, several megabytes, which a PC without a server account never needs)."""
    import keyring
    import keyring.errors

    return keyring


class KeyringBackend:
    """The OS keyring (through the ``keyring`` package)."""

    kind = STORAGE_KEYRING

    def get(self, service: str, account: str) -> str | None:
        """The secret, or None."""
        keyring = _keyring()
        try:
            return keyring.get_password(service, account)
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc

    def set(self, service: str, account: str, secret: str) -> None:
        """Store a secret and check the backend really kept it (the null keyring does not)."""
        keyring = _keyring()
        try:
            keyring.set_password(service, account, secret)
            kept = keyring.get_password(service, account)
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc
        if kept != secret:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, "the keyring backend did not keep the secret")

    def delete(self, service: str, account: str) -> None:
        """Forget a secret; no error when absent."""
        keyring = _keyring()
        try:
            keyring.delete_password(service, account)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc


class FileBackend:
    """``--insecure-storage``: secrets in a JSON file only the PC's user may read (0600).

    Not encrypted: anyone who can read the file as this user (or as an
    administrator) can act as this PC. Written atomically, never with wider
    permissions than 0600, even for an instant.
    """

    kind = STORAGE_FILE

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, f"{self.path}: {exc}") from exc
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, f"{self.path}: {exc}") from exc

    @staticmethod
    def _key(service: str, account: str) -> str:
        return f"{service}|{account}"

    def get(self, service: str, account: str) -> str | None:
        """The secret, or None."""
        return self._read().get(self._key(service, account))

    def set(self, service: str, account: str, secret: str) -> None:
        """Store or replace a secret."""
        data = self._read()
        data[self._key(service, account)] = secret
        self._write(data)

    def delete(self, service: str, account: str) -> None:
        """Forget a secret; no error when absent."""
        data = self._read()
        if data.pop(self._key(service, account), None) is not None:
            self._write(data)


def insecure_file(data_dir: Path) -> Path:
    """The ``--insecure-storage`` secrets file of a data folder."""
    return data_dir / INSECURE_FILE_NAME


class TokenVault:
    """The account's secrets, one set per (server, device), in one backend.

    Every backend failure becomes a :class:`SyncError` of kind
    ``keyring_unavailable`` so the UI can tell the clerk what to do. A backend
    that silently drops secrets (the "null" keyring) is detected on write.
    """

    def __init__(
        self, service: str = KEYRING_SERVICE, backend: KeyringBackend | FileBackend | None = None
    ) -> None:
        self.service = service
        self.backend = backend or KeyringBackend()

    @property
    def storage(self) -> str:
        """``keyring`` or ``file`` (insecure storage)."""
        return self.backend.kind

    @staticmethod
    def _account(server_url: str, device_id: str) -> str:
        return f"{server_url.rstrip('/')}|{device_id}"

    def check(self) -> None:
        """Raise ``keyring_unavailable`` unless the backend stores and returns a secret."""
        probe = secrets.token_hex(8)
        self.backend.set(self.service, "probe", probe)
        self.backend.delete(self.service, "probe")

    def save(self, server_url: str, device_id: str, refresh_token: str) -> None:
        """Store (or replace) the refresh token; verify the backend really kept it."""
        self.backend.set(self.service, self._account(server_url, device_id), refresh_token)

    def load(self, server_url: str, device_id: str) -> str | None:
        """The stored refresh token, or None when there is none."""
        return self.backend.get(self.service, self._account(server_url, device_id))

    def delete(self, server_url: str, device_id: str) -> None:
        """Forget the refresh token (logout, revoked device); no error when absent."""
        self.backend.delete(self.service, self._account(server_url, device_id))

    def load_device_key(self, device_id: str) -> str | None:
        """This PC's private device key (base64 text), or None before the first login."""
        return self.backend.get(DEVICE_KEY_SERVICE, device_id)

    def save_device_key(self, device_id: str, private_key: str) -> None:
        """Keep the private device key (made once, at the first login)."""
        self.backend.set(DEVICE_KEY_SERVICE, device_id, private_key)


def file_permissions_ok(path: Path) -> bool:
    """Whether a secrets file is readable by its owner only (always true on Windows)."""
    return sys.platform == "win32" or not path.exists() or (path.stat().st_mode & 0o077) == 0
