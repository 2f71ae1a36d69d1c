"""Participants from a CSV file: parse, validate each row, never write.

Columns (header row required, any order, names case-insensitive):
``full_name`` (required), ``country`` (required, ISO 3166-1 alpha-2),
``timezone`` (IANA name; may be empty when the country has one zone),
``role`` (default ``speaker``), ``delegation_country``, ``email``,
``organisation``, ``latin_name``, ``honorific``, ``position``,
``languages`` (separated by ``;``), ``pronunciation``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from dataclasses import field

from email_validator import EmailNotValidError
from email_validator import validate_email

from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.emails import email_key

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
)
REQUIRED = ("full_name", "country")
MAX_ROWS = 2000


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
            "The file is not UTF-8 text: save it as “CSV UTF-8” and try again."
        ) from None


def parse(
    text: str, existing_emails: set[str] = frozenset(), existing_names=frozenset()
) -> list[PersonRow]:
    """Every data row with its errors. ``existing_*`` are the
    :func:`~silkmeet.domain.emails.email_key` of the emails and the
    ``(casefolded name, country)`` pairs already in the conference
    (duplicates)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError("The file is empty.") from None
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise CsvError(
            f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(COLUMNS)}."
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise CsvError(f"Missing column(s): {', '.join(missing)}.")
    rows = []
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvError(f"More than {MAX_ROWS} rows: split the file.")
        values = {c: "" for c in COLUMNS}
        errors = []
        if len(raw) > len(names):
            errors.append(f"{len(raw)} cells but {len(names)} columns")
        for name, cell in zip(names, raw, strict=False):
            if name:
                values[name] = cell.strip()
        errors.extend(_check(values))
        key = name_key(values["full_name"], values["country"])
        email = email_key(values["email"])
        if email and email in existing_emails:
            errors.append(f"duplicate: {values['email']} is already a participant")
        elif email and email in seen_emails:
            errors.append(f"duplicate: same email as line {seen_emails[email]}")
        elif key in existing_names:
            errors.append(f"duplicate: {values['full_name']} is already a participant")
        elif key in seen_names:
            errors.append(f"duplicate: same name and country as line {seen_names[key]}")
        if email:
            seen_emails.setdefault(email, number)
        seen_names.setdefault(key, number)
        rows.append(PersonRow(line=number, values=values, errors=tuple(errors)))
    if not rows:
        raise CsvError("The file has a header but no participant rows.")
    return rows


def _check(values: dict) -> list[str]:
    errors = []
    if not values["full_name"]:
        errors.append("full_name is empty")
    elif len(values["full_name"]) > 300:
        errors.append("full_name is longer than 300 characters")
    country = values["country"].upper()
    values["country"] = country
    if not tz.is_known_country(country):
        errors.append(f"unknown country {values['country']!r} (use a code like FR)")
    delegation = values["delegation_country"].upper()
    values["delegation_country"] = delegation
    if delegation and not tz.is_known_country(delegation):
        errors.append(f"unknown delegation_country {delegation!r}")
    if values["timezone"]:
        try:
            values["timezone"] = tz.canonical_zone(values["timezone"])
        except tz.TimeZoneError:
            errors.append(f"unknown time zone {values['timezone']!r}")
        else:
            zones = tz.country_zones(country)
            if zones and values["timezone"] not in zones:
                errors.append(
                    f"{values['timezone']} is not a time zone of "
                    f"{tz.country_name(country)}"
                )
    elif tz.is_known_country(country):
        zone = tz.default_zone_for_country(country)
        if zone is None:
            errors.append(
                f"{tz.country_name(country)} has several time zones: give timezone"
            )
        else:
            values["timezone"] = zone
    role = values["role"].lower() or "speaker"
    values["role"] = role
    if role not in v.values(v.PARTICIPANT_ROLES):
        errors.append(f"unknown role {role!r}")
    if values["email"]:
        try:
            values["email"] = validate_email(
                values["email"], check_deliverability=False
            ).normalized
        except EmailNotValidError:
            errors.append(f"bad email {values['email']!r}")
    return errors


def name_key(full_name: str, country: str) -> tuple[str, str]:
    """Two rows with this pair are taken for one person."""
    return full_name.casefold(), country


def languages(values: dict) -> list[str]:
    return [p.strip() for p in values.get("languages", "").split(";") if p.strip()]


def row_fields(row: PersonRow) -> dict:
    """A valid row's values as the fields of a new participant."""
    values = dict(row.values)
    values["languages"] = languages(values)
    values["email"] = values["email"] or None
    values["delegation_country"] = values["delegation_country"] or None
    return values
