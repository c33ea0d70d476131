"""The counter's side of the office relay (docs/relay.md).

- where the relay is: the configured address, or one found on the LAN by
  zeroconf when discovery is on;
- a session on the relay, opened with a device proof (no password and no
  refresh token ever reaches the relay);
- the source a pull cursor belongs to: a handshake from another source (relay
  and city, or a new relay PC) makes the next pull start from 0.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.opening import Store
from commune_desk.store.settings import SYNC_RELAY, SYNC_SOURCE, get_setting, put_setting
from commune_desk.sync.client import SyncClient
from commune_desk.sync.device_key import DeviceKey
from commune_desk.sync.state import load_state

log = logging.getLogger(__name__)

#: Seconds a counter listens for relays on the LAN.
DISCOVERY_SECONDS = 2.0


@dataclass(frozen=True)
class RelaySettings:
    """How this PC finds its office relay, and whether it runs one."""

    url: str | None = None
    """Configured address, e.g. ``http://192.168.1.10:8765``."""
    discovery: bool = False
    """Look for a relay of this commune on the LAN (zeroconf) when no address is configured."""
    host: bool = False
    """"Máy này làm máy chủ nội bộ": this PC runs the office relay."""

    def to_json(self) -> dict[str, Any]:
        """The settings row's value."""
        return {"url": self.url, "discovery": self.discovery, "host": self.host}


def relay_settings(session: Session) -> RelaySettings:
    """The stored relay settings (defaults: no relay, no discovery)."""
    value = get_setting(session, SYNC_RELAY) or {}
    url = value.get("url")
    return RelaySettings(
        url=url.strip().rstrip("/") or None if isinstance(url, str) else None,
        discovery=bool(value.get("discovery")),
        host=bool(value.get("host")),
    )


def save_relay_settings(store: Store, settings: RelaySettings) -> None:
    """Replace the relay settings."""
    with store.write.begin() as session:
        put_setting(session, SYNC_RELAY, settings.to_json())


class RelaySession:
    """Access tokens of a relay session, kept in memory and renewed with a device proof."""

    def __init__(self, key: DeviceKey, device_id: str) -> None:
        self.key = key
        self.device_id = device_id
        self._token: str | None = None
        self._expires = 0.0

    def access_token(self, client: SyncClient, *, force: bool) -> str:
        """A valid access token on the relay ``client`` talks to."""
        if not force and self._token and self._expires > time.time():
            return self._token
        nonce = client.challenge(self.device_id).nonce
        proof = self.key.prove(p.PROOF_RELAY, self.device_id, nonce)
        tokens = client.relay_session(p.RelaySessionRequest(device_id=uuid.UUID(self.device_id), proof=proof))
        self._token = tokens.access_token
        self._expires = time.time() + tokens.access_expires_in - 30
        return self._token


def adopt_source(session: Session, device_id: str, hs: p.HandshakeResponse) -> bool:
    """Remember which server the cursor belongs to; True when the cursor was reset to 0.

    A PC that synced before sources existed has a cursor of the city: it
    adopts the city's id as it is. Any other change of source restarts the
    pull from 0 (pulled snapshots are current states, so this is idempotent).
    """
    stored = dict(get_setting(session, SYNC_SOURCE) or {})
    reset = False
    if hs.source_id and stored.get("source_id") != hs.source_id:
        legacy_city = stored.get("source_id") is None and not hs.relay
        if not legacy_city:
            load_state(session, device_id).cursor = 0
            reset = True
        stored["source_id"] = hs.source_id
        log.info("sync source is now %s (relay=%s); cursor reset: %s", hs.source_id, hs.relay, reset)
    stored["relay"] = hs.relay
    if hs.server_key:
        stored["server_key"] = hs.server_key
    if not hs.relay and hs.source_id:
        stored["city_source_id"] = hs.source_id
    put_setting(session, SYNC_SOURCE, stored)
    return reset


def remember_city_key(session: Session, hs: p.HandshakeResponse) -> None:
    """Keep the city server's signing key from a handshake at login (before any round):
    a snapshot on a USB stick is checked with it before the PC's first sync."""
    if hs.server_key and not hs.relay:
        stored = dict(get_setting(session, SYNC_SOURCE) or {})
        stored["server_key"] = hs.server_key
        put_setting(session, SYNC_SOURCE, stored)


def source_facts(session: Session) -> dict[str, Any]:
    """The stored source row: ``source_id``, ``relay``, ``server_key``, ``city_source_id``."""
    return dict(get_setting(session, SYNC_SOURCE) or {})


def discover_relay(commune_code: str, *, seconds: float = DISCOVERY_SECONDS) -> str | None:
    """The address of a relay of ``commune_code`` announced on the LAN, or None.

    Uses multicast DNS (zeroconf): call it only where the PC's LAN is meant
    to be searched (the setting is off by default; tests run it inside a
    network namespace of their own).
    """
    from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf  # noqa: PLC0415 (optional)

    found: list[str] = []
    zc = Zeroconf()

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is not ServiceStateChange.Added:
            return
        info = zeroconf.get_service_info(service_type, name, timeout=1000)
        if info is None or info.port is None:
            return
        props = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
        addresses = info.parsed_addresses()
        if props.get("commune") == commune_code and addresses:
            found.append(f"http://{addresses[0]}:{info.port}")

    browser = ServiceBrowser(zc, p.RELAY_SERVICE_TYPE, handlers=[on_change])
    try:
        deadline = time.monotonic() + seconds
        while not found and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        browser.cancel()
        zc.close()
    return found[0] if found else None


#: Port an office relay on a counter PC listens on.
LOCAL_RELAY_PORT = 8765


def local_relay_db(data_dir: Path) -> Path:
    """Where a counter PC that is the office relay keeps the relay's database."""
    return data_dir / "relay" / "relay.sqlite3"


def local_relay_running(port: int = LOCAL_RELAY_PORT) -> bool:
    """Whether something listens on this PC's relay port."""
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_local_relay(data_dir: Path, server_url: str, *, port: int = LOCAL_RELAY_PORT) -> str:
    """Start this PC's office relay in its own process: ``running``, ``started`` or ``not_registered``.

    The relay must have been registered once by a leader (``city-server relay
    login --db sqlite:///<data>/relay/relay.sqlite3 ...``). It keeps running
    when the desktop app closes; starting it twice is harmless (the port is
    taken, the second one exits).
    """
    if local_relay_running(port):
        return "running"
    db = local_relay_db(data_dir)
    if not db.exists():
        return "not_registered"
    cmd = [
        sys.executable, "-m", "city_server.cli", "serve", "--db", f"sqlite:///{db}",
        "--upstream", server_url, "--host", "0.0.0.0", "--port", str(port), "--advertise",
    ]  # fmt: skip
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) | getattr(subprocess, "DETACHED_PROCESS", 0)
    subprocess.Popen(  # noqa: S603 - our own interpreter and module
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        creationflags=flags,
        start_new_session=sys.platform != "win32",
    )
    return "started"
