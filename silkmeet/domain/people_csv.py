"""Participants from a CSV file: parse, validate each row, never write.

Columns (header row required, any order, names case-insensitive):
``full_name`` (required), ``country`` (required, ISO 3166-1 alpha-2),
``timezone`` (IANA name; may be empty when the country has one zone),
``role`` (default ``speaker``), ``delegation_country``, ``email``,
``organisation``, ``latin_name``, ``honorific``, ``position``,
``languages`` (tags such as ``en`` or ``pt-BR``, separated by ``;`` or ``,``),
``pronunciation``, ``preferred_language`` (the language they read silkmeet
in: ``fr``, ``zh-Hans``; empty: from their languages). Each cell is checked by
:mod:`silkmeet.domain.fields`, the rules of the forms and of the JSON import, so
the preview refuses whatever the import would.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from dataclasses import field

from silkmeet.domain import fields
from silkmeet.domain import vocabulary as v
from silkmeet.domain.words import _
from silkmeet.domain.words import ngettext

COLUMNS = (
    "full_name",
    "country",
    "timezone",
    "role",
    "delegation_country",
    "email",
    "organisation",
    "latin_name",
    "honorific",
    "position",
    "languages",
    "pronunciation",
    "preferred_language",
)
REQUIRED = ("full_name", "country")
MAX_ROWS = 2000
# The model column each text cell goes to (its length is the cell's limit).
TEXT_COLUMNS = {
    "full_name": "person.full_name",
    "latin_name": "person.latin_name",
    "honorific": "person.honorific",
    "position": "person.position",
    "organisation": "organisation.name",
    "pronunciation": "person.pronunciation",
}


class CsvError(ValueError):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class PersonRow:
    line: int
    values: dict
    errors: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
        ) from None


def parse(text: str, existing: fields.Roster | None = None) -> list[PersonRow]:
    """Every data row with its errors. ``existing`` holds the conference's
    participants (:class:`~silkmeet.domain.fields.Roster`): duplicates."""
    roster = existing if existing is not None else fields.Roster()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise CsvError(
            _("The header row cannot be read: %(error)s.", error=exc)
        ) from None
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise CsvError(
            ngettext(
                "Unknown column: %(unknown)s. Known: %(known)s.",
                "Unknown columns: %(unknown)s. Known: %(known)s.",
                len(unknown),
                unknown=", ".join(unknown),
                known=", ".join(COLUMNS),
            )
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise CsvError(
            ngettext(
                "Missing column: %(missing)s.",
                "Missing columns: %(missing)s.",
                len(missing),
                missing=", ".join(missing),
            )
        )
    rows = []
    while True:
        number = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # A cell over csv's field size limit (131,072 characters): no
            # column takes a tenth of that. The reader goes on at the next line.
            raw = None
        if raw is not None and not any(cell.strip() for cell in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvError(_("More than %(most)s rows: split the file.", most=MAX_ROWS))
        values = {c: "" for c in COLUMNS}
        if raw is None:
            error = _(
                "a cell is longer than %(most)s characters",
                most=format(csv.field_size_limit(), ","),
            )
            rows.append(PersonRow(line=number, values=values, errors=(error,)))
            continue
        errors = []
        if len(raw) > len(names):
            errors.append(
                _(
                    "%(cells)s cells but %(columns)s columns",
                    cells=len(raw),
                    columns=len(names),
                )
            )
        for name, cell in zip(names, raw, strict=False):
            if name:
                values[name] = cell
        errors.extend(_check(values))
        duplicate = roster.duplicate(
            values["full_name"], values["country"], values["email"]
        )
        if duplicate:
            errors.append(duplicate[1])
        roster.add(
            _("line %(number)s", number=number),
            values["full_name"],
            values["country"],
            values["email"],
        )
        rows.append(PersonRow(line=number, values=values, errors=tuple(errors)))
    if not rows:
        raise CsvError(_("The file has a header but no participant rows."))
    return rows


def _check(values: dict) -> list[str]:
    """Check and normalise a row's cells in place; the problems found, each
    led by its column."""
    errors = []

    def check(column: str, rule) -> bool:
        try:
            values[column] = rule(values[column])
        except fields.FieldError as exc:
            # Translators: a CSV column's name (kept in English: the file's
            # header) and what is wrong with its cell.
            errors.append(_("%(column)s: %(error)s", column=column, error=exc))
            return False
        return True

    for column, model_column in TEXT_COLUMNS.items():
        check(
            column,
            lambda cell, c=model_column: fields.text(
                cell, c, required=c == "person.full_name"
            ),
        )
    known = check("country", lambda cell: fields.country(cell, required=True))
    check("delegation_country", lambda cell: fields.country(cell) or "")
    if known:
        check("timezone", lambda cell: fields.person_zone(values["country"], cell))
    else:
        values["timezone"] = values["timezone"].strip()
    check(
        "role",
        lambda cell: fields.choice(
            cell.strip().lower() or "speaker", v.PARTICIPANT_ROLES
        ),
    )
    check("email", lambda cell: fields.email(cell) or "")
    check("languages", lambda cell: "; ".join(fields.language_list(cell)))
    check("preferred_language", lambda cell: fields.preferred_language(cell) or "")
    return errors


def languages(values: dict) -> list[str]:
    """A checked row's language tags."""
    return list(fields.language_list(values.get("languages", "")))


def row_fields(row: PersonRow) -> dict:
    """A valid row's values as the fields of a new participant."""
    values = dict(row.values)
    values["languages"] = languages(values)
    values["email"] = values["email"] or None
    values["delegation_country"] = values["delegation_country"] or None
    values["preferred_language"] = values["preferred_language"] or None
    return values
