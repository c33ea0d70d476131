"""Reading a JSON body whatever it holds, without a RecursionError.

``json.loads`` reads every body the protocol expects quickly, but stops with a
RecursionError on an array nested a thousand levels deep. A body like that is
read again here by a loop with an explicit stack: whatever nests deeper than
:data:`MAX_READ_DEPTH` is skipped and stands as a :class:`TooDeep` marker, which
no validation accepts. So one operation nested ten thousand levels deep is
refused on its own while the others of its batch are read as usual, and memory
stays bounded by the body's size.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

#: Deeper values are skipped and replaced by a :class:`TooDeep` marker.
MAX_READ_DEPTH = 64

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CONSTANTS = {"null": None, "true": True, "false": False, "NaN": float("nan")}
_CONSTANTS |= {"Infinity": float("inf"), "-Infinity": float("-inf")}


class TooDeep:
    """Stands for a value that was nested deeper than :data:`MAX_READ_DEPTH`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "TooDeep()"


TOO_DEEP = TooDeep()


def loads(data: bytes | str) -> Any:
    """Parse JSON like ``json.loads`` (NaN, Infinity and lone surrogates included).

    Raises ValueError for text that is not JSON; never RecursionError.
    """
    try:
        return json.loads(data)
    except RecursionError:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return _loads_iteratively(text)


def _fail(pos: int) -> ValueError:
    return ValueError(f"not JSON at character {pos}")


def _scalar(text: str, pos: int) -> tuple[Any, int]:
    """The string, number or constant at ``pos`` and the position after it."""
    if text.startswith('"', pos):
        return scanstring(text, pos + 1, True)
    match = _NUMBER.match(text, pos)
    if match is not None:
        integer, fraction, exponent = match.groups()
        number: float = float(match.group()) if fraction or exponent else int(integer)
        return number, match.end()
    for word, constant in _CONSTANTS.items():
        if text.startswith(word, pos):
            return constant, pos + len(word)
    raise _fail(pos)


def _skip(text: str, pos: int) -> int:
    """Position after the array or object that opens at ``pos`` (strings skipped whole)."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if char == '"':
            _, pos = scanstring(text, pos + 1, True)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    raise _fail(pos)


def _loads_iteratively(text: str) -> Any:  # noqa: C901 - one state machine reads best in one place
    """Parse ``text`` with an explicit stack; values deeper than MAX_READ_DEPTH become TOO_DEEP."""
    stack: list[tuple[list[Any] | dict[str, Any], str | None]] = []
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    result: Any = None
    done = False
    while not done:
        # 1. read one value (or open a container)
        value: Any
        char = text[pos : pos + 1]
        if char in ("[", "{"):
            if len(stack) >= MAX_READ_DEPTH:
                value, pos = TOO_DEEP, _skip(text, pos)
            else:
                container: list[Any] | dict[str, Any] = [] if char == "[" else {}
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                closing = "]" if char == "[" else "}"
                if text.startswith(closing, pos):
                    value, pos = container, pos + 1
                else:
                    key = None
                    if isinstance(container, dict):
                        key, pos = _key(text, pos)
                    stack.append((container, key))
                    continue
        else:
            value, pos = _scalar(text, pos)
        # 2. place it, and close every container that ends here
        while True:
            if not stack:
                result, done = value, True
                break
            container, key = stack[-1]
            if isinstance(container, list):
                container.append(value)
            else:
                container[key] = value  # type: ignore[index]
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == ",":
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                if isinstance(container, dict):
                    key, pos = _key(text, pos)
                    stack[-1] = (container, key)
                break
            if char == ("]" if isinstance(container, list) else "}"):
                stack.pop()
                value, pos = container, pos + 1
                continue
            raise _fail(pos)
    if _SPACE.match(text, pos).end() != len(text):  # type: ignore[union-attr]
        raise _fail(pos)
    return result


def _key(text: str, pos: int) -> tuple[str, int]:
    """An object's key and the position of its value."""
    if not text.startswith('"', pos):
        raise _fail(pos)
    key, pos = scanstring(text, pos + 1, True)
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if not text.startswith(":", pos):
        raise _fail(pos)
    return key, _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
