"""The protocol floor: every term of the wire, defined once.

Imported by the services, the sync engine and the reference city server;
imports only :mod:`commune_desk.domain`, pydantic and the standard library.

- :mod:`.wire`: limits, the ``Entity``/``Action``/``OutboxState``/``OpStatus``/
  ``ErrorKind`` enums and the pydantic models of every request and reply;
- :mod:`.records`: for each record type its synced fields, their types and
  limits, the wire codec and the parts of its search keys;
- :mod:`.messages`: the clerk's sentence for every error kind (Vietnamese).

Series names, dossier codes and counter slots are rules of the domain
(``domain.numbers``, ``domain.codes``) and are used from there.
"""

from __future__ import annotations

from commune_desk.protocol import records, relay, wire
from commune_desk.protocol.records import *  # noqa: F403 - the floor's names, re-exported
from commune_desk.protocol.relay import *  # noqa: F403
from commune_desk.protocol.wire import *  # noqa: F403

__all__ = [*wire.__all__, *records.__all__, *relay.__all__]
