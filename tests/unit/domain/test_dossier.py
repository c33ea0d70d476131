"""The dossier state machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.dossier import (
    FINAL_STATUSES,
    SLIP_FORMS,
    UNDO_OF,
    UNDOES,
    DossierStatus,
    EventKind,
    allowed_after,
    allowed_events,
    correctable_step,
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


def test_final_statuses_allow_only_notes_and_taking_back_a_return() -> None:
    for status in FINAL_STATUSES - {S.RETURNED}:
        assert allowed_events(status) == (E.NOTE,)
    assert allowed_events(S.RETURNED) == (E.NOTE, E.UNDO_RETURNED)


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
        assert set(allowed_events(status)) <= {E.NOTE, E.UNDO_RETURNED}


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


def test_a_mistaken_step_is_taken_back_by_a_new_event() -> None:
    history = [E.RECEIVED, E.ASSIGNED, E.RESULT_READY, E.RETURNED]
    assert correctable_step(history) == E.RETURNED
    assert E.UNDO_RETURNED in allowed_after(history)
    history.append(E.UNDO_RETURNED)
    assert derive_status(history) == S.RESULT_READY
    assert correctable_step(history) == E.RESULT_READY  # one step further back, if needed
    assert allowed_after(history)[-1] == E.UNDO_RESULT_READY
    history.append(E.UNDO_RESULT_READY)
    assert derive_status(history) == S.PROCESSING
    assert correctable_step(history) is None  # "assigned" is not taken back
    assert not set(allowed_after(history)) & set(UNDOES)


def test_steps_that_gave_the_citizen_a_slip_cannot_be_taken_back() -> None:
    assert not set(UNDO_OF) & set(SLIP_FORMS)
    for step in (E.SUPPLEMENT_REQUESTED, E.REFUSED, E.STOPPED, E.WITHDRAWN, E.EXTENDED):
        history = [E.RECEIVED, step]
        assert correctable_step(history) is None
        assert not set(allowed_after(history)) & set(UNDOES)


def test_a_correction_is_offered_only_for_the_latest_step() -> None:
    paid_then_assigned = [E.RECEIVED, E.PAYMENT_REQUESTED, E.PAID, E.HANDED_OVER, E.NOTE]
    assert correctable_step(paid_then_assigned) == E.PAID  # notes do not hide the step
    supplement = [E.RECEIVED, E.SUPPLEMENT_REQUESTED, E.SUPPLEMENT_RECEIVED]
    assert E.UNDO_PAID not in allowed_after(supplement)  # same status, other step
    assert E.UNDO_SUPPLEMENT_RECEIVED in allowed_after(supplement)


def _legal_histories() -> st.SearchStrategy[list[EventKind]]:
    """Histories a counter can produce: each event chosen among those allowed after the last."""

    @st.composite
    def build(draw: st.DrawFn) -> list[EventKind]:
        history: list[EventKind] = []
        for _ in range(draw(st.integers(0, 14))):
            allowed = allowed_after(history)
            if not allowed:
                break
            history.append(draw(st.sampled_from(allowed)))
        return history

    return build()


@given(_legal_histories())
def test_corrections_on_any_counter_history(history: list[EventKind]) -> None:
    status = derive_status(history)
    for event in allowed_after(history):
        next_status(status, event)  # the server, which sees only the status, accepts it
    step = correctable_step(history)
    if step is None:
        return
    undo = UNDO_OF[step]
    assert undo in allowed_after(history)
    last = max(i for i, e in enumerate(history) if e == step)
    before = derive_status(history[:last])
    after = next_status(status, undo)
    assert after == before or (before == S.ACCEPTED and after == S.PROCESSING)
