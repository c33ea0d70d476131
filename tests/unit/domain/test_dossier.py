"""The dossier state machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.dossier import (
    FINAL_STATUSES,
    DossierStatus,
    EventKind,
    allowed_events,
    derive_status,
    next_status,
)
from commune_desk.domain.errors import IllegalTransition

S, E = DossierStatus, EventKind


def test_happy_path() -> None:
    history = [
        E.RECEIVED,
        E.ASSIGNED,
        E.HANDED_OVER,
        E.SUPPLEMENT_REQUESTED,
        E.SUPPLEMENT_RECEIVED,
        E.RESULT_READY,
        E.RETURNED,
    ]
    assert derive_status(history) == S.RETURNED
    assert derive_status([]) is None
    assert derive_status([E.REGISTERED_ONLINE, E.REFUSED]) == S.REFUSED


def test_illegal_transition_is_typed() -> None:
    with pytest.raises(IllegalTransition) as err:
        next_status(S.RETURNED, E.ASSIGNED)
    assert err.value.kind == "illegal_transition"
    assert err.value.params == {"status": 10, "event": "assigned"}
    with pytest.raises(IllegalTransition):
        next_status(None, E.ASSIGNED)


def test_final_statuses_allow_only_notes() -> None:
    for status in FINAL_STATUSES:
        assert allowed_events(status) == (E.NOTE,)


def test_new_dossier_can_only_be_received_or_registered_online() -> None:
    assert set(allowed_events(None)) == {E.RECEIVED, E.REGISTERED_ONLINE}


def test_waiting_statuses_resume_processing() -> None:
    assert next_status(S.SUPPLEMENT_REQUESTED, E.SUPPLEMENT_RECEIVED) == S.PROCESSING
    assert next_status(S.PAYMENT_REQUIRED, E.PAID) == S.PROCESSING


@given(st.lists(st.sampled_from(list(EventKind)), max_size=30))
def test_any_event_sequence_either_derives_or_raises_at_the_first_illegal_event(
    events: list[EventKind],
) -> None:
    status = None
    for index, event in enumerate(events):
        if event in allowed_events(status):
            status = next_status(status, event)
            continue
        with pytest.raises(IllegalTransition):
            derive_status(events[: index + 1])
        return
    assert derive_status(events) == status
    if status is not None and status.is_final:
        assert allowed_events(status) == (E.NOTE,)


@given(st.sampled_from([None, *DossierStatus]))
def test_every_status_reachable_state_has_consistent_allowed_events(status: DossierStatus | None) -> None:
    for event in EventKind:
        allowed = event in allowed_events(status)
        try:
            next_status(status, event)
        except IllegalTransition:
            assert not allowed
        else:
            assert allowed
