"""The files invites are sent as: their names, the Content-Disposition that
carries them, and the ZIP of every invite."""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from collections.abc import Sequence
from typing import IO
from urllib.parse import quote

from sqlalchemy import Row

# A ZIP larger than this goes to a temporary file instead of memory.
ZIP_IN_MEMORY = 4 * 1024 * 1024
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str) -> str:
    """A file name any OS accepts; non-ASCII letters are kept."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_FILENAME.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    return name[:120].rstrip(" .-")


def ascii_filename(name: str) -> str:
    """The ASCII-only form used inside ZIPs and as the ``filename`` fallback."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")
    return re.sub(r"-{2,}", "-", text)[:80].strip(".-")


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` and, when it differs, ``filename*``."""
    filename = safe_filename(filename) or "download"
    stem, dot, ext = filename.rpartition(".")
    fallback = (ascii_filename(stem) or "download") + dot + ext if dot else ""
    fallback = fallback or ascii_filename(filename) or "download"
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def invite_filename(slug: str, full_name: str) -> str:
    name = safe_filename(full_name) or "invite"
    return f"{slug} - {name}.ics"


def calendar_filename(slug: str) -> str:
    return f"{slug}.ics"


def zip_filename(slug: str) -> str:
    return f"{slug}-invites.zip"


def zip_width(count: int) -> int:
    """Digits of the numbers that keep ``count`` ZIP members in list order."""
    return max(2, len(str(count)))


def zip_name(n: int, width: int, row: Row) -> str:
    """The ASCII name of the ``n``-th member: ``07-Zhang-Guoqiang.ics``, from a
    row with ``id``, ``full_name`` and ``latin_name``."""
    base = ascii_filename(row.latin_name or "") or ascii_filename(row.full_name)
    return f"{n:0{width}d}-{base or f'participant-{row.id}'}.ics"


def zip_names(people: Sequence[Row]) -> list[str]:
    """One unique ASCII file name per participant row, in list order."""
    width = zip_width(len(people))
    return [zip_name(n, width, row) for n, row in enumerate(people, start=1)]


def spooled_zip(members: Iterable[tuple[str, bytes]]) -> IO[bytes]:
    """The ``(name, bytes)`` members in one ZIP: an open temporary file at its
    start (the caller closes it), spooled to disk past :data:`ZIP_IN_MEMORY`."""
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
