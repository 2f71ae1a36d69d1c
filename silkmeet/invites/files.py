"""The files invites are sent as: their names (bounded, extension kept, through
:mod:`silkmeet.domain.filenames`) and the ZIP of every invite."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from collections.abc import Sequence
from typing import IO

from sqlalchemy import Row

from silkmeet.domain import filenames
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v

# A ZIP larger than this goes to a temporary file instead of memory.
ZIP_IN_MEMORY = 4 * 1024 * 1024


def invite_filename(slug: str, full_name: str) -> str:
    """``silk-cities-2020 - 张国强.ics``; long names are cut, never the ``.ics``."""
    name = filenames.clean(full_name) or "invite"
    return filenames.safe_filename(f"{slug} - {name}.ics")


def calendar_filename(slug: str) -> str:
    return filenames.safe_filename(f"{slug}.ics")


def zip_filename(slug: str) -> str:
    return filenames.safe_filename(f"{slug}-invites.zip")


def links_filename(slug: str) -> str:
    return filenames.safe_filename(f"{slug}-personal-links.csv")


LINKS_HEADER = (
    "name",
    "latin_name",
    "email",
    "role",
    "country",
    "languages",
    "personal_link",
    "run_of_show_link",
)


def links_rows(people: Iterable) -> list[Sequence]:
    """The personal links of ``people`` (the Invites page's
    :class:`~silkmeet.invites.audience.Standing`), for organisers who mail them
    from elsewhere: a header, then one row each, the chairs' run-of-show link
    too. Written out by :func:`silkmeet.web.csv_response`."""
    return [
        LINKS_HEADER,
        *(
            [
                p.row.full_name,
                p.row.latin_name,
                p.row.email or "",
                v.label(v.PARTICIPANT_ROLES, p.row.role),
                tz.country_name(p.row.delegation_country or p.row.country),
                ", ".join(p.row.languages or ()),
                p.personal_url,
                p.run_of_show_url,
            ]
            for p in people
        ),
    ]


def zip_width(count: int) -> int:
    """Digits of the numbers that keep ``count`` ZIP members in list order."""
    return max(2, len(str(count)))


def zip_name(n: int, width: int, row: Row) -> str:
    """The ASCII name of the ``n``-th member: ``07-Zhang-Guoqiang.ics``, from a
    row with ``id``, ``full_name`` and ``latin_name``."""
    base = filenames.ascii_filename(row.latin_name or "") or filenames.ascii_filename(
        row.full_name
    )
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
