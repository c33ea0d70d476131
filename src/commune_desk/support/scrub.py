"""Remove citizens' personal data and every secret from text leaving the PC for support.

Two nets, both applied to every line written into a support archive:

1. What the store knows: every applicant's name, address, ID number and phone
   in the store (and the folded, accent-free form of names and addresses,
   the way a search or a log might have written them) is replaced by a
   placeholder.
2. Shapes, for what the store does not hold (a value typed and refused, a
   log line from another version): runs of 9 digits or more (CMND, CCCD,
   any other long number),
   Vietnamese phone numbers however they are grouped, e-mail addresses,
   bearer and refresh tokens, password or token assignments, credentials in
   URLs, and long random-looking strings (keys, digests, verifiers).

Staff user names, record UUIDs, dossier codes and counts stay: support needs
them and they say nothing about a citizen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

from commune_desk.domain.text import fold
from commune_desk.store.opening import Store

NAME = "[họ tên]"
ADDRESS = "[địa chỉ]"
ID_NUMBER = "[số định danh]"
PHONE = "[số điện thoại]"
EMAIL = "[email]"
SECRET = "[bí mật]"

_DIGITS = r"(?<![0-9A-Za-z])\+?(?:\d[\s.]?){8,}\d(?![0-9A-Za-z])"
_PHONE = (
    r"(?<![0-9A-Za-z+])(?:\+84|0084|84|0)[\s.()-]{0,2}(?:\d[\s.()-]{0,2}){8,9}\d?"
    r"(?![0-9A-Za-z]|[\s.()-]\d)"
)
_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + SECRET),
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|mật khẩu|mat khau|token|refresh_token|access_token|"
            r"secret|api[_-]?key|authorization|salt|digest|verifier)(\"?\s*[:=]\s*\"?)"
            r"[^\s\",;&]+"
        ),
        r"\1\2" + SECRET,
    ),
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1" + SECRET + "@"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), EMAIL),
    # long random-looking strings: tokens (43 chars of token_urlsafe), base64 digests
    (
        re.compile(
            r"(?<![A-Za-z0-9_/+=-])(?=[A-Za-z0-9_/+=-]*[A-Z])(?=[A-Za-z0-9_/+=-]*[a-z])"
            r"(?=[A-Za-z0-9_/+=-]*\d)[A-Za-z0-9_/+=-]{24,}(?![A-Za-z0-9_/+=-])"
        ),
        SECRET,
    ),
)
_NUMBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_PHONE), PHONE),
    (re.compile(_DIGITS), ID_NUMBER),
)
#: An IPv4 address (octets without leading zeros, as written): kept, support needs the server's.
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])"
)
#: Longest run of words looked up as a known name or address.
MAX_WORDS = 16
_WORD = re.compile(r"\w+")


def _numbers(text_: str) -> str:
    for pattern, replacement in _NUMBERS:
        text_ = pattern.sub(replacement, text_)
    return text_


def _key(words: Iterable[str]) -> int:
    return hash(" ".join(words))


class Scrubber:
    """Replaces known names and addresses, then the shapes of personal data and secrets.

    Known values are kept as hashes of their folded words (accents, case and
    spacing do not matter), so a store of 200,000 dossiers costs a few tens
    of megabytes, and a line is checked word run by word run.
    """

    def __init__(self, known: Iterable[tuple[str, str]] = ()) -> None:
        self._known: dict[int, str] = {}
        for value, placeholder in known:
            words = [fold(w) for w in _WORD.findall(value or "")]
            if len(words) >= 2 and len(words) <= MAX_WORDS:
                self._known.setdefault(_key(words), placeholder)

    def __call__(self, line: str) -> str:
        """``line`` with personal data and secrets replaced by placeholders."""
        if self._known:
            line = self._known_values(line)
        for pattern, replacement in _SECRETS:
            line = pattern.sub(replacement, line)
        parts, last = [], 0
        for ip in _IPV4.finditer(line):  # numbers are looked for around IP addresses only
            parts += [_numbers(line[last : ip.start()]), ip.group(0)]
            last = ip.end()
        return "".join([*parts, _numbers(line[last:])])

    def _known_values(self, line: str) -> str:
        tokens = list(_WORD.finditer(line))
        folded = [fold(t.group(0)) for t in tokens]
        spans: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_WORDS, len(tokens) - i), 1, -1):
                placeholder = self._known.get(_key(folded[i : i + size]))
                if placeholder is not None:
                    spans.append((tokens[i].start(), tokens[i + size - 1].end(), placeholder))
                    i += size
                    break
            else:
                i += 1
        for start, end, placeholder in reversed(spans):
            line = line[:start] + placeholder + line[end:]
        return line

    def text(self, text_: str) -> str:
        """A whole text, line by line."""
        return "\n".join(self(line) for line in text_.split("\n"))

    def value(self, value: Any) -> Any:
        """A JSON-able value with every string in it scrubbed (keys too); numbers stay."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value

    @classmethod
    def for_store(cls, store: Store) -> Scrubber:
        """A scrubber that knows every citizen's name and address in ``store`` (ID numbers
        and phones are caught by their shapes)."""
        known: list[tuple[str, str]] = []
        with store.read() as session:
            rows = session.execute(text("SELECT applicant_name, applicant_address FROM dossiers"))
            for name, address in rows:
                known += [(name or "", NAME), (address or "", ADDRESS)]
        return cls(known)
