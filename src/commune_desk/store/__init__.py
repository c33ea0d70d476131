"""Local store: SQLAlchemy models, SQLite engine (WAL), Alembic migrations, FTS5 index.

``opening.open_store(path)`` is the one way in: it creates or upgrades the file to the
newest schema and returns a :class:`Store` with read and write session factories.

Conventions the sync engine relies on (see ``models.py`` for every column):

- Synced records (``dossiers``, ``dossier_events``, ``attachments``,
  ``incoming_documents``, ``outgoing_documents``) carry ``server_version``
  (``None`` until the server knows the record) and ``dirty`` (local changes not
  yet acknowledged). Every service write that sets ``dirty`` adds its
  ``outbox`` row in the same transaction; ``db check`` verifies that every
  dirty record has a not-done operation.
- ``outbox``: ``seq`` comes from the ``local_counters`` row ``outbox_seq``
  (bumped in the writing transaction, so seqs are gapless); rows are never
  deleted (``done`` ones stay) — ``db check`` counts every seq from 1.
  ``state``: pending → in_flight → done, or quarantined (+ a ``quarantine`` row).
- ``sync_state`` (one row per device: cursor, leases, last success/error),
  ``quarantine`` and ``conflicts`` are owned by the sync engine; add columns
  with a new Alembic revision in ``migrations/versions``.
- ``search_keys`` holds each record's folded text; triggers mirror it into the
  FTS5 table ``search_fts``. Write keys with ``store.search.set_keys`` in the
  record's transaction. The intake stages its dossier's keys in
  ``search_staged`` (``store.search.stage_keys``); searches index them first.
- ``local_counters``: ``outbox_seq`` and ``dossier/{yyyymmdd}/{slot}`` (last
  daily number issued by a counter slot).
- Datetimes are UTC text (``store.types.UTCDateTime``), read back aware.

``open_store(path)`` and ``Store`` live in ``store/opening.py``; the package
itself imports nothing, so its light modules (the settings' declarations in
``store/setting_keys.py``) load without SQLAlchemy.
"""
