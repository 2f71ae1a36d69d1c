"""JSON written in pieces: the text of ``json.dumps(value, ensure_ascii=False,
indent=2)`` without ever holding the whole document, or its list of parts.

A document is an ordinary value in which some lists are :class:`Lazy`: those are
written one element at a time, each element encoded by :mod:`json` itself, so
escaping and number formatting are exactly those of ``json.dumps``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Iterator

INDENT = 2


class Lazy:
    """A list that is read, once, only while it is written."""

    def __init__(self, iterable: Iterable):
        self.iterable = iterable


def iter_json(value: object) -> Iterator[str]:
    """The text of ``json.dumps(value, ensure_ascii=False, indent=2)`` in pieces.

    Objects are walked (their keys must be strings) and :class:`Lazy` lists
    streamed; any other value, and each element of a :class:`Lazy`, is encoded
    whole.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, indent=INDENT)
    return _pieces(value, 0, encoder)


def _pieces(value: object, level: int, encoder: json.JSONEncoder) -> Iterator[str]:
    inner = "\n" + " " * (INDENT * (level + 1))
    if isinstance(value, dict) and value:
        opening = "{"
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"keys must be strings, not {type(key).__name__}")
            yield opening + inner + encoder.encode(key) + ": "
            yield from _pieces(item, level + 1, encoder)
            opening = ","
        yield "\n" + " " * (INDENT * level) + "}"
    elif isinstance(value, Lazy):
        opening = "["
        for item in value.iterable:
            yield opening + inner + _whole(item, level + 1, encoder)
            opening = ","
        yield "[]" if opening == "[" else "\n" + " " * (INDENT * level) + "]"
    else:
        yield _whole(value, level, encoder)


def _whole(value: object, level: int, encoder: json.JSONEncoder) -> str:
    text = encoder.encode(value)
    # Outside strings (where json escapes it) a newline only starts a line.
    return text.replace("\n", "\n" + " " * (INDENT * level)) if level else text


def batched(pieces: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """``pieces`` joined and encoded in blocks of at least ``size`` characters
    (the last one may be shorter): a server then writes a few large blocks,
    not thousands of small ones."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block).encode()
            block, length = [], 0
    if block:
        yield "".join(block).encode()
