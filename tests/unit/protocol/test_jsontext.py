"""The protocol's JSON reader: json.loads's results, and no RecursionError at any depth."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.protocol.jsontext import MAX_READ_DEPTH, TOO_DEEP, _loads_iteratively, loads

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(JSON, st.sampled_from([None, 2]))
def test_same_result_as_json_loads(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert _loads_iteratively(text) == json.loads(text)


def test_the_non_standard_literals_python_writes() -> None:
    text = '{"a": NaN, "b": Infinity, "c": -Infinity, "d": "\\ud800", "e": -0.0, "f": 1E3}'
    mine, theirs = _loads_iteratively(text), json.loads(text)
    assert repr(mine) == repr(theirs)


@pytest.mark.parametrize(
    "bad", ["", "[1,]", '{"a"}', "[1 2]", "[", "]", '{"a":1,}', "[1]x", "{'a': 1}", "nul"]
)
def test_not_json_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        _loads_iteratively(bad)


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deep_values_become_a_marker_and_the_rest_is_read(depth: int) -> None:
    text = '{"ops": [1, ' + "[" * depth + '"x"' + "]" * depth + ', {"a": 2}]}'
    parsed = loads(text.encode())
    assert parsed["ops"][0] == 1 and parsed["ops"][2] == {"a": 2}
    node, levels = parsed["ops"][1], 2  # the body object and the ops list come first
    while isinstance(node, list):
        node, levels = node[0], levels + 1
    assert node is TOO_DEEP and levels == MAX_READ_DEPTH  # containers read before the marker


def test_brackets_inside_strings_do_not_count() -> None:
    text = "[" * 3000 + '"]]]"' + "]" * 3000
    assert loads(text) is not None
