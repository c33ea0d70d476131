"""Credentials of the sync account: refresh token in the OS keyring, offline verifier.

The refresh token is a bearer secret: it lives only in the operating system's
keyring (Windows Credential Manager on office PCs), never in a file. What is
kept on disk is the account's public facts and a salted, memory-hard
*password verifier* (scrypt) so the clerk can unlock the application while the
network is down; the verifier cannot be turned back into the password cheaply.
"""

from __future__ import annotations

import keyring
import keyring.errors

from commune_desk.domain.passwords import PasswordVerifier
from commune_desk.sync.errors import SyncError, SyncErrorKind

__all__ = ["KEYRING_SERVICE", "PasswordVerifier", "TokenVault"]

#: Keyring service name; the keyring "username" is ``{server_url}|{device_id}``.
KEYRING_SERVICE = "CommuneDesk sync"


class TokenVault:
    """Refresh tokens in the OS keyring, one per (server, device).

    Every keyring failure becomes a :class:`SyncError` of kind
    ``keyring_unavailable`` so the UI can tell the clerk what to do. A backend
    that silently drops secrets (the "null" keyring) is detected on write.
    """

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    @staticmethod
    def _account(server_url: str, device_id: str) -> str:
        return f"{server_url.rstrip('/')}|{device_id}"

    def save(self, server_url: str, device_id: str, refresh_token: str) -> None:
        """Store (or replace) the refresh token; verify the keyring really kept it."""
        account = self._account(server_url, device_id)
        try:
            keyring.set_password(self.service, account, refresh_token)
            kept = keyring.get_password(self.service, account)
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc
        if kept != refresh_token:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, "the keyring backend did not keep the token")

    def load(self, server_url: str, device_id: str) -> str | None:
        """The stored refresh token, or None when there is none."""
        try:
            return keyring.get_password(self.service, self._account(server_url, device_id))
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc

    def delete(self, server_url: str, device_id: str) -> None:
        """Forget the refresh token (logout, revoked device); no error when absent."""
        try:
            keyring.delete_password(self.service, self._account(server_url, device_id))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc
