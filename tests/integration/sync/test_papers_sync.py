"""Received papers, date of birth and statutory extension travel like any other field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk.domain.dossier import EventKind
from commune_desk.domain.intake import PaperForm, ReceivedPaper
from commune_desk.services import NewDossier


def test_papers_and_extension_reach_the_other_pc(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    papers = (
        ReceivedPaper("Tờ khai đăng ký nhận cha, mẹ, con", PaperForm.ORIGINAL, 1),
        ReceivedPaper("Giấy xét nghiệm ADN", PaperForm.CERTIFIED_COPY, 2),
    )
    try:
        detail = a.services.register_dossier(
            NewDossier(
                procedure_code="HT-NCMC",
                applicant_name="Lê Văn Minh",
                applicant_id_number="038088001234",
                date_of_birth=date(1988, 5, 2),
                papers=papers,
            )
        ).value
        before = detail.summary.appointment_at
        after = a.services.record_event(
            detail.summary.id, EventKind.EXTENSION_APPLIED, data={"extension": "XAC-MINH"}
        ).value
        assert after.summary.appointment_at > before and after.extension.code == "XAC-MINH"
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        pulled = b.services.get_dossier(detail.summary.id)
        assert pulled.papers == papers
        assert pulled.date_of_birth == date(1988, 5, 2)
        assert pulled.extension is not None and pulled.extension.legal_basis.startswith("Khoản 2 Điều 25")
        assert pulled.summary.appointment_at == after.summary.appointment_at
        assert EventKind.EXTENSION_APPLIED not in pulled.allowed_events  # applied once only
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()
