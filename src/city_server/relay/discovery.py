"""The relay announces itself on the office LAN (zeroconf / DNS-SD).

Counters with LAN discovery on find it with
:func:`commune_desk.sync.relay_link.discover_relay`. Multicast goes out on
the interface of ``address`` only.
"""

from __future__ import annotations

import socket

from zeroconf import ServiceInfo, Zeroconf

from commune_desk.protocol import RELAY_SERVICE_TYPE


class Announcer:
    """Registers ``_communedesk._tcp.local.`` for one commune's relay at ``address:port``."""

    def __init__(self, commune_code: str, address: str, port: int) -> None:
        self.address = address
        self.info = ServiceInfo(
            RELAY_SERVICE_TYPE,
            f"CommuneDesk relay {commune_code}.{RELAY_SERVICE_TYPE}",
            addresses=[socket.inet_aton(address)],
            port=port,
            properties={"commune": commune_code},
        )
        self.zc: Zeroconf | None = None

    def start(self) -> None:
        """Announce (multicast on the interface of ``address`` only)."""
        self.zc = Zeroconf(interfaces=[self.address])
        self.zc.register_service(self.info)

    def stop(self) -> None:
        """Withdraw the announcement."""
        if self.zc is not None:
            self.zc.unregister_service(self.info)
            self.zc.close()
            self.zc = None
