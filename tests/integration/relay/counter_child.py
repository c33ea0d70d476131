"""A counter PC as its own process, driven by JSON lines on standard input.

Run as ``python counter_child.py DATA_DIR``: the data folder must already be
logged in with ``insecure_storage`` (the secrets file is in the folder).
Commands (one JSON object per line; one JSON reply line each):

- ``{"cmd": "work", "tag": T, "n": N, "incoming": K}``: N intakes with an
  event each, 1 + K incoming documents, one attachment; replies the ids;
- ``{"cmd": "relay", "url": U}``: the configured relay address (null: none);
- ``{"cmd": "sync"}``: one sync round; replies the round's result;
- ``{"cmd": "ids"}``: ids of every dossier, event and incoming document here;
- ``{"cmd": "quit"}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from sqlalchemy import select  # noqa: E402

from commune_desk import protocol as p  # noqa: E402
from commune_desk.app import AppContext  # noqa: E402
from commune_desk.domain.dossier import EventKind  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.services import NewDossier, NewIncomingDocument  # noqa: E402
from commune_desk.store.models import Dossier, DossierEvent, IncomingDocument, OutboxOp  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402
from commune_desk.sync.relay_link import RelaySettings, save_relay_settings, source_facts  # noqa: E402


def _work(ctx: AppContext, tag: str, n: int, incoming: int) -> dict[str, object]:
    s = ctx.services
    code = s.list_procedures()[0].code
    dossiers = []
    for i in range(n):
        d = s.register_dossier(
            NewDossier(
                procedure_code=code,
                applicant_name=f"Trần Thị {tag} {i}",
                applicant_id_number="001099012345",
                received_by=tag,
            )
        ).value.summary.id
        s.record_event(d, EventKind.ASSIGNED, actor=tag, note=f"{tag}-{i}")
        dossiers.append(d)
    docs = [
        s.register_incoming(NewIncomingDocument(author="UBND thành phố", summary=f"Công văn {tag} {k}")).value
        for k in range(1 + incoming)
    ]
    if dossiers:
        s.add_attachment(p.Entity.DOSSIER.value, dossiers[0], source=f"scan {tag}".encode(), filename="a.pdf")
    return {"dossiers": dossiers, "numbers": [d.number for d in docs]}


def _ids(ctx: AppContext) -> dict[str, object]:
    with ctx.store.read() as session:
        return {
            "dossiers": sorted(session.scalars(select(Dossier.id))),
            "events": sorted(session.scalars(select(DossierEvent.id))),
            "incoming": sorted(session.scalars(select(IncomingDocument.id))),
            "open": len(
                list(session.scalars(select(OutboxOp.op_id).where(OutboxOp.state.in_(p.OPEN_OUTBOX_STATES))))
            ),
            "source": source_facts(session),
        }


def main() -> int:
    """Serve commands until ``quit`` or end of input."""
    with AppContext.open(AppPaths.resolve(sys.argv[1])) as ctx:
        engine = SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 5.0))
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            cmd = json.loads(line)
            reply: object
            if cmd["cmd"] == "work":
                reply = _work(ctx, cmd["tag"], cmd.get("n", 1), cmd.get("incoming", 0))
            elif cmd["cmd"] == "relay":
                save_relay_settings(ctx.store, RelaySettings(url=cmd["url"]))
                reply = {"ok": True}
            elif cmd["cmd"] == "sync":
                reply = engine.sync_once().to_json()
            elif cmd["cmd"] == "ids":
                reply = _ids(ctx)
            else:
                return 0
            print(json.dumps(reply, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
