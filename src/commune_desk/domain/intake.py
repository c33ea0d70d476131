"""What the counter accepts as typed: names, addresses, papers and the time of receipt.

Every check raises :class:`ValidationError` with a stable ``kind`` and the
``field``, so the UI and the CLI answer in Vietnamese and nothing is written.
The lengths are the sync protocol's for the same fields (the services pass
them from ``protocol.records``), so a dossier taken at the counter can always
be pushed; the characters refused here are refused whatever the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.text import normalize_text

MAX_PAPER_NAME_LENGTH = 200
MAX_PAPERS = 40
MAX_PAPER_COUNT = 99
#: How far ahead of the PC clock a time of receipt may be (clocks of two PCs differ a little).
RECEIVED_AT_TOLERANCE = timedelta(minutes=5)

#: Character categories never accepted in what a person types: controls (ESC, BEL...),
#: format characters (zero-width spaces, right-to-left overrides, BOM), lone surrogates
#: (undecodable bytes of a command line), private use.
_FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Co"})
#: Besides letters, marks, digits and spaces, what a name may hold (H'Hen Niê, Nguyễn Văn A.).
_NAME_PUNCTUATION = frozenset("'’.-")


def clean_text(value: str | None, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``value`` in NFC with spaces collapsed; refuse forbidden characters and overlong text.

    Kinds: ``invalid_characters``, ``text_too_long``. ``multiline`` keeps line
    breaks (notes); elsewhere a line break is refused like any control character.
    """
    raw = value or ""
    # printable text holds no character of the forbidden categories (str.isprintable refuses
    # every "Other"), so only the rest is walked character by character
    for ch in "" if raw.isprintable() else raw:
        if multiline and ch == "\n":
            continue
        if unicodedata.category(ch) in _FORBIDDEN:
            raise ValidationError(
                "invalid_characters",
                f"character U+{ord(ch):04X} not allowed in {field}",
                field=field,
                codepoint=f"U+{ord(ch):04X}",
            )
    if multiline:
        text = "\n".join(normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")).strip()
    else:
        text = normalize_text(raw)
    if len(text) > max_length:
        raise ValidationError(
            "text_too_long",
            f"{field} longer than {max_length} characters",
            field=field,
            max_length=max_length,
            length=len(text),
        )
    return text


def clean_person_name(value: str | None, *, max_length: int, field: str = "applicant_name") -> str:
    """A person's name: letters, digits and spaces (and ``'’.-``), a letter at least.

    Kinds: ``name_required``, ``invalid_characters``, ``invalid_name``, ``text_too_long``.
    """
    name = clean_text(value, field=field, max_length=max_length)
    if not name:
        raise ValidationError("name_required", "a name is required", field=field)
    if name.replace(" ", "").isalpha():  # letters only (str.isalpha: categories L*): a name
        return name
    for ch in name:
        category = unicodedata.category(ch)
        if not (category[0] in "LMN" or ch == " " or ch in _NAME_PUNCTUATION):
            raise ValidationError(
                "invalid_name",
                f"character {ch!r} not allowed in a name",
                field=field,
                character=ch,
            )
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        raise ValidationError("invalid_name", "a name needs letters", field=field)
    return name


def check_received_at(received_at: datetime, *, now: datetime, office_start: date) -> datetime:
    """The time of receipt if it lies between the office's start date and a few minutes from now.

    Kinds: ``naive_datetime``, ``received_in_future``, ``received_before_office_start``.
    """
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValidationError("naive_datetime", "received_at needs a time zone", field="received_at")
    if received_at > now + RECEIVED_AT_TOLERANCE:
        raise ValidationError(
            "received_in_future",
            "the time of receipt is in the future",
            field="received_at",
            received_at=received_at.isoformat(),
        )
    if received_at.astimezone(VN_TZ).date() < office_start:
        raise ValidationError(
            "received_before_office_start",
            "the time of receipt is before the office opened",
            field="received_at",
            office_start=office_start.isoformat(),
        )
    return received_at


class PaperForm(StrEnum):
    """The form in which a paper was handed in (printed on form 01)."""

    ORIGINAL = "original"
    CERTIFIED_COPY = "certified_copy"
    PHOTOCOPY = "photocopy"


@dataclass(frozen=True)
class ReceivedPaper:
    """One paper received at the counter: what it is, in which form, how many."""

    name: str
    form: PaperForm = PaperForm.ORIGINAL
    count: int = 1

    def to_json(self) -> dict[str, object]:
        """The stored and synced form (``{"name", "form", "count"}``)."""
        return {"name": self.name, "form": self.form.value, "count": self.count}

    @classmethod
    def from_json(cls, raw: object) -> ReceivedPaper:
        """Parse a stored paper (raises ValidationError)."""
        if not isinstance(raw, dict):
            raise ValidationError("invalid_paper", "a paper must be an object", field="papers")
        return clean_paper(raw.get("name"), raw.get("form", PaperForm.ORIGINAL), raw.get("count", 1))


def clean_paper(name: object, form: object, count: object) -> ReceivedPaper:
    """Validate one paper. Kinds: ``paper_name_required``, ``invalid_paper``, ``invalid_characters``,
    ``text_too_long``."""
    text = clean_text(str(name or ""), field="papers", max_length=MAX_PAPER_NAME_LENGTH)
    if not text:
        raise ValidationError("paper_name_required", "a paper needs its name", field="papers")
    try:
        paper_form = PaperForm(str(form))
    except ValueError as exc:
        raise ValidationError(
            "invalid_paper", f"unknown paper form {form!r}", field="papers", form=str(form)
        ) from exc
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PAPER_COUNT:
        raise ValidationError(
            "invalid_paper",
            f"paper count must be 1..{MAX_PAPER_COUNT}",
            field="papers",
            count=str(count),
        )
    return ReceivedPaper(name=text, form=paper_form, count=count)


def clean_papers(papers: Iterable[ReceivedPaper]) -> tuple[ReceivedPaper, ...]:
    """Validate the papers of one dossier (at most ``MAX_PAPERS``)."""
    cleaned = tuple(clean_paper(p.name, p.form, p.count) for p in papers)
    if len(cleaned) > MAX_PAPERS:
        raise ValidationError(
            "invalid_paper", f"at most {MAX_PAPERS} papers", field="papers", count=str(len(cleaned))
        )
    return cleaned
