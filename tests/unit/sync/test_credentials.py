"""Refresh token in the keyring, offline password verifier."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backends.null
import pytest
from tests.helpers.memory_keyring import MemoryKeyring, memory_keyring

from commune_desk.sync.credentials import KEYRING_SERVICE, PasswordVerifier, TokenVault
from commune_desk.sync.errors import SyncError, SyncErrorKind


@pytest.fixture()
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


def test_verifier_accepts_only_the_password() -> None:
    verifier = PasswordVerifier.create("Mật khẩu 123")
    assert verifier.check("Mật khẩu 123")
    assert not verifier.check("mật khẩu 123")
    assert not verifier.check("")


def test_verifier_is_salted_and_round_trips_json() -> None:
    a = PasswordVerifier.create("same")
    b = PasswordVerifier.create("same")
    assert a.salt != b.salt and a.digest != b.digest
    restored = PasswordVerifier.from_json(a.to_json())
    assert restored.check("same") and not restored.check("other")
    assert "same" not in str(a.to_json())


def test_verifier_rejects_unknown_algorithm() -> None:
    data = PasswordVerifier.create("x").to_json() | {"alg": "md5"}
    with pytest.raises(ValueError):
        PasswordVerifier.from_json(data)


def test_token_lives_in_keyring_per_server_and_device(ring: MemoryKeyring) -> None:
    vault = TokenVault()
    vault.save("http://127.0.0.1:1/", "dev-1", "secret-1")
    vault.save("http://127.0.0.1:1", "dev-2", "secret-2")
    assert vault.load("http://127.0.0.1:1", "dev-1") == "secret-1"
    assert vault.load("http://127.0.0.1:1/", "dev-2") == "secret-2"
    assert ring.secrets[(KEYRING_SERVICE, "http://127.0.0.1:1|dev-1")] == "secret-1"
    vault.delete("http://127.0.0.1:1", "dev-1")
    vault.delete("http://127.0.0.1:1", "dev-1")  # absent: no error
    assert vault.load("http://127.0.0.1:1", "dev-1") is None


def test_null_keyring_is_reported_not_silently_ignored() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        with pytest.raises(SyncError) as caught:
            TokenVault().save("http://s", "d", "tok")
        assert caught.value.kind is SyncErrorKind.KEYRING_UNAVAILABLE
        assert not caught.value.retryable
    finally:
        keyring.set_keyring(previous)
