"""Names of downloaded files: accepted by every OS, bounded in bytes, and with
their extension always kept, whatever a person's name holds."""

from __future__ import annotations

import re
import unicodedata

# A download's name, extension included, in UTF-8 bytes: under the 255 of
# every file system, with room for the " (1)" a browser adds to a second copy.
# Percent-encoded (RFC 5987 ``filename*``) it is at most three times as long.
MAX_NAME_BYTES = 150
# A ZIP member's name before its number and extension.
MAX_ASCII_STEM = 80

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
# Bidirectional controls: invisible, and they make "…gpj.ics" show reversed.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}\Z")
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_TRIM = " .-"


def clean(text: str) -> str:
    """``text`` with nothing a file system or a header refuses: NFC, no control
    or reserved character, runs of white space as one space, and no dot, dash
    or space at either end."""
    text = unicodedata.normalize("NFC", text)
    text = _BIDI_CONTROLS.sub("", text)
    text = _UNSAFE.sub("-", text)
    return re.sub(r"\s+", " ", text).strip(_TRIM)


def split_extension(filename: str) -> tuple[str, str]:
    """``("name", ".ics")``; ``(filename, "")`` when it ends in no plain
    ASCII extension."""
    match = _EXTENSION.search(filename)
    if match is None:
        return filename, ""
    return filename[: match.start()], match.group()


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes at a character boundary."""
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    # "ignore" drops only the character the cut went through.
    cut = data[:limit].decode("utf-8", "ignore")
    # A joiner left at the end would glue the name to its extension.
    return cut.rstrip("\u200d").rstrip(_TRIM)


def safe_filename(filename: str, default: str = "download") -> str:
    """``filename`` as a name any OS accepts, non-ASCII letters kept: at most
    :data:`MAX_NAME_BYTES` in UTF-8, its extension always kept (the name
    before it is cut), ``default`` where nothing of the name is left."""
    stem, ext = split_extension(clean(filename))
    stem = _cut(clean(stem), MAX_NAME_BYTES - len(ext))
    return (stem or default) + ext


def ascii_filename(name: str, limit: int = MAX_ASCII_STEM) -> str:
    """The ASCII-only form of ``name`` (no extension added), at most ``limit``
    characters: letters without their accents, runs of anything else as one
    ``-``; possibly empty."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = _NOT_ASCII_NAME.sub("-", text).strip(".-")
    return re.sub(r"-{2,}", "-", text)[:limit].strip(".-")


def ascii_fallback(filename: str, default: str = "download") -> str:
    """The ASCII name a client without RFC 5987 saves ``filename`` under: at
    most :data:`MAX_NAME_BYTES`, never empty, extension kept, never ending in
    a dot."""
    stem, ext = split_extension(filename)
    return (ascii_filename(stem, MAX_NAME_BYTES - len(ext)) or default) + ext
