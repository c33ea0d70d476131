"""The counter's text checks take a short way for ordinary text; it must answer as the long one.

``clean_text`` skips its per-character walk when ``str.isprintable`` holds, and
``clean_person_name`` when the name is letters and spaces (``str.isalpha``).
Both rest on facts of the Unicode database Python was built with, checked here
for every code point, and the functions are compared with the long way on
generated text.
"""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.domain import intake
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.intake import clean_person_name, clean_text
from commune_desk.domain.text import normalize_text


def test_printable_and_alphabetic_code_points_are_what_the_short_ways_assume() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        category = unicodedata.category(ch)
        if ch.isprintable():
            assert category not in intake._FORBIDDEN, hex(code)
        if ch.isalpha():
            assert category[0] == "L", hex(code)


def _long_clean_text(value: str | None, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``clean_text`` as it was: every character looked at."""
    raw = value or ""
    for ch in raw:
        if multiline and ch == "\n":
            continue
        if unicodedata.category(ch) in intake._FORBIDDEN:
            raise ValidationError("invalid_characters", "", field=field, codepoint=f"U+{ord(ch):04X}")
    if multiline:
        text = "\n".join(normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")).strip()
    else:
        text = normalize_text(raw)
    if len(text) > max_length:
        raise ValidationError("text_too_long", "", field=field, max_length=max_length, length=len(text))
    return text


def _long_person_name(value: str | None, *, max_length: int) -> str:
    name = _long_clean_text(value, field="applicant_name", max_length=max_length)
    if not name:
        raise ValidationError("name_required", "", field="applicant_name")
    for ch in name:
        category = unicodedata.category(ch)
        if not (category[0] in "LMN" or ch == " " or ch in intake._NAME_PUNCTUATION):
            raise ValidationError("invalid_name", "", field="applicant_name", character=ch)
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        raise ValidationError("invalid_name", "", field="applicant_name")
    return name


def _outcome(run, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return ("ok", run(*args, **kwargs))
    except ValidationError as exc:
        return (exc.kind, exc.field, exc.params)


_TEXTS = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.text(alphabet="Đặng Thị Đào\n\r\t\x00\u200b\ufeff'’.-0123 ", max_size=30),
    st.sampled_from(["Đặng Thị Đào", "H'Hen Niê", "Nguyễn Văn A.", "  ", "", "Nguyễn\u0301", "１２３"]),
)


@settings(max_examples=500)
@given(_TEXTS, st.booleans(), st.integers(0, 20))
def test_clean_text_answers_as_the_long_way(value: str, multiline: bool, max_length: int) -> None:
    kwargs = {"field": "notes", "max_length": max_length, "multiline": multiline}
    assert _outcome(clean_text, value, **kwargs) == _outcome(_long_clean_text, value, **kwargs)


@settings(max_examples=500)
@given(_TEXTS)
def test_clean_person_name_answers_as_the_long_way(value: str) -> None:
    assert _outcome(clean_person_name, value, max_length=20) == _outcome(
        _long_person_name, value, max_length=20
    )
