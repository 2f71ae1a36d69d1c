"""The streamed JSON writer gives json.dumps(..., ensure_ascii=False, indent=2)
to the byte, whatever the values and wherever the lazy lists are."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from silkmeet.domain.jsonstream import Lazy
from silkmeet.domain.jsonstream import batched
from silkmeet.domain.jsonstream import iter_json

# Strings with what json escapes (quotes, backslashes, control characters,
# newlines) and what it does not (non-ASCII, U+2028, astral characters).
texts = st.text(
    alphabet=st.sampled_from('ab"\\\n\r\t\x00\x1f\u2028é张ნ😀 '), max_size=12
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | texts
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=16,
)


def dumps(value) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=2)


def plain(value):
    """``value`` with every Lazy read into a list: what json.dumps is given."""
    if isinstance(value, Lazy):
        return [plain(v) for v in value.iterable]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def lazy_copies(value):
    """``value`` as json.dumps takes it, and again with lists under objects made
    Lazy (generators, read once), as documents are streamed."""

    def make_lazy(v):
        if isinstance(v, dict):
            return {k: make_lazy(x) for k, x in v.items()}
        if isinstance(v, list):
            return Lazy(x for x in v)
        return v

    return value, make_lazy(value)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(texts, values, max_size=6))
def test_same_text_as_json_dumps(document):
    expected, streamed = lazy_copies(document)
    assert "".join(iter_json(streamed)) == dumps(expected)


@settings(max_examples=100, deadline=None)
@given(values)
def test_any_value_alone(value):
    assert "".join(iter_json(value)) == dumps(value)


@pytest.mark.parametrize(
    "document",
    [
        lambda: {},
        lambda: {"a": Lazy(())},
        lambda: {"a": Lazy(iter([]))},
        lambda: {"a": Lazy([{}]), "b": Lazy([[]]), "c": {}},
        lambda: {"items": Lazy([{"x": [1, {"y": "two\nlines"}], "z": {}}, "s"])},
        lambda: {"nested": {"deeper": {"list": Lazy({"k": i} for i in range(3))}}},
        lambda: {"float": 1e100, "small": 5e-324, "neg": -0.0, "big": 10**30},
    ],
)
def test_edges(document):
    assert "".join(iter_json(document())) == dumps(document())


def test_lazy_lists_are_read_once_and_only_while_written():
    read = []

    def entries():
        for n in range(3):
            read.append(n)
            yield {"n": n}

    pieces = iter_json({"head": 1, "entries": Lazy(entries())})
    assert read == []
    next(pieces)
    assert read == []
    "".join(pieces)
    assert read == [0, 1, 2]


def test_keys_must_be_text():
    with pytest.raises(TypeError):
        "".join(iter_json({1: "one"}))


def test_batched_blocks():
    pieces = ["ab", "张", "c" * 10, "d"]
    blocks = list(batched(pieces, size=4))
    assert b"".join(blocks) == "".join(pieces).encode()
    assert blocks == [("ab张" + "c" * 10).encode(), b"d"]
    assert list(batched([])) == []
