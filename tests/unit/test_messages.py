"""The one catalogue: every refusal the server can give has the clerk's sentence, values filled."""

from __future__ import annotations

from types import SimpleNamespace

from commune_desk.messages import MESSAGES, fill, message, message_for
from commune_desk.protocol import ErrorKind
from commune_desk.protocol.validation import operation_refusal

#: Kinds the server answers for one operation (OpResult.kind) or one request.
OPERATION_KINDS = [k for k in ErrorKind if k not in {ErrorKind.SERVER_ERROR, ErrorKind.UNAVAILABLE}]


def test_every_kind_of_the_wire_has_a_sentence() -> None:
    missing = [k.value for k in OPERATION_KINDS if k.value not in MESSAGES]
    # HTTP-level kinds the engine turns into its own (offline, session_expired...) may lack one.
    http_only = {
        "unauthenticated",
        "token_expired",
        "invalid_request",
        "body_too_large",
        "bad_encoding",
        "unsupported_protocol",
        "rate_limited",
        "offset_mismatch",
        "size_mismatch",
        "range_not_satisfiable",
        "unknown_series",
        "challenge_expired",
        "device_key_required",
    }
    assert set(missing) <= http_only, sorted(set(missing) - http_only)


def test_a_refusal_names_the_limit_when_it_knows_it() -> None:
    refusal = operation_refusal("dossier", "create", {"applicant_name": "x" * 300})
    assert refusal is not None and refusal.params == {"max_length": 200}
    said = message_for(SimpleNamespace(kind=refusal.kind, params=refusal.params))
    assert "200" in said
    # A server's refusal arrives without the value: the part naming it is left out.
    assert fill(message("text_too_long"), None, drop_unknown=True) == "Nội dung quá dài."
    assert "{max_length}" in fill(message("text_too_long"), None)  # kept unless asked
