"""Schedule exports: silkmeet's schedule JSON, CSV, and frab XML and JSON.

Built from plain dataclasses and the computed schedule; every local time is a
UTC instant converted through ``timezones``.
"""

from __future__ import annotations

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from silkmeet.domain import hours
from silkmeet.domain import timezones as tz
from silkmeet.domain import zoneview as zv
from silkmeet.domain.jsonstream import Lazy
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import meeting_end
from silkmeet.domain.words import N_
from silkmeet.domain.words import _

SCHEDULE_FORMAT = "silkmeet-schedule"
SCHEDULE_VERSION = 1
ROOM = "Video call"


@dataclass(frozen=True)
class ConferenceInfo:
    slug: str
    title: str
    timezone: str
    start: datetime | None
    duration_minutes: int
    description: str = ""
    platform: str = ""
    languages: tuple[str, ...] = ()
    # The conference's uid: frab guids derive from it, never from the slug.
    uid: str = ""
    # Outside it, a time is flagged ``outside_hours``.
    day_window: hours.Window = hours.DAY_WINDOW
    # The title in other languages, ((code, text), …).
    title_translations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParticipantInfo:
    participant_id: int
    name: str
    latin_name: str
    role: str
    country: str
    timezone: str


def translated(key: str, pairs: Sequence[tuple[str, str]]) -> dict:
    """``{key: {tag: text}}`` with BCP 47 tags (``zh-Hans``), when a text has
    translations: the exports add it beside the text, whose key stays as it
    was (``title``), and leave it out otherwise."""
    if not pairs:
        return {}
    return {key: {code.replace("_", "-"): text for code, text in pairs}}


def local_iso(instant: datetime, zone: str) -> str:
    """``2020-11-20T22:00:00+09:00``."""
    return tz.to_local(instant, zone).isoformat(timespec="seconds")


def times(
    start: datetime, end: datetime, zone: str, day: hours.Window = hours.DAY_WINDOW
) -> dict:
    """The fields every timed part carries in the schedule JSON; ``day`` is the
    conference's day window."""
    local = zv.span(start, end, zone, tz.to_local(start, zone).date(), day)
    return {
        "start_utc": tz.format_instant(start),
        "end_utc": tz.format_instant(end),
        "local_start": local_iso(start, zone),
        "local_end": local_iso(end, zone),
        "local_date": local.start.wall.date().isoformat(),
        "utc_offset": local.start.offset_label,
        "abbreviation": local.start.abbreviation,
        "outside_hours": local.outside,
    }


def schedule_document(
    info: ConferenceInfo,
    scheduled: Sequence[ScheduledItem],
    participants: Iterable[ParticipantInfo],
    zone_data_version: str,
) -> dict:
    """The schedule JSON (documented in README.md, "Schedule exports")."""
    doc = schedule_stream(info, scheduled, participants, zone_data_version)
    doc["items"] = list(doc["items"].iterable)
    doc["participants"] = list(doc["participants"].iterable)
    return doc


def schedule_stream(
    info: ConferenceInfo,
    scheduled: Sequence[ScheduledItem],
    participants: Iterable[ParticipantInfo],
    zone_data_version: str,
) -> dict:
    """:func:`schedule_document` with its items and participants as
    :class:`~silkmeet.domain.jsonstream.Lazy` lists, each entry built only as
    :func:`~silkmeet.domain.jsonstream.iter_json` writes it."""
    doc: dict = {
        "format": SCHEDULE_FORMAT,
        "version": SCHEDULE_VERSION,
        "tzdata": zone_data_version,
        "conference": {
            "slug": info.slug,
            "title": info.title,
            **translated("title_translations", info.title_translations),
            "timezone": info.timezone,
            "start_utc": None,
            "end_utc": None,
            # What "outside_hours" means: local times outside this window.
            "day_window": {
                "start": info.day_window.start_time,
                "end": info.day_window.end_time,
            },
        },
        "items": Lazy(()),
        "participants": Lazy(()),
    }
    if info.start is None:
        return doc
    start = info.start
    end = meeting_end(start, info.duration_minutes, scheduled)
    # Many participants share a zone, and speakers a slot: each distinct
    # (start, end, zone) is converted once.
    seen: dict[tuple[datetime, datetime, str], dict] = {}

    def times_once(start: datetime, end: datetime, zone: str) -> dict:
        key = (start, end, zone)
        found = seen.get(key)
        if found is None:
            found = seen[key] = times(start, end, zone, info.day_window)
        return found

    def items() -> Iterator[dict]:
        for entry in scheduled:
            yield {
                "position": entry.position + 1,
                "kind": entry.item.kind,
                "title": entry.item.title,
                **translated("title_translations", entry.item.title_translations),
                "duration_minutes": entry.item.duration_minutes,
                "start_utc": tz.format_instant(entry.start),
                "end_utc": tz.format_instant(entry.end),
                "start_reference": local_iso(entry.start, info.timezone),
                "end_reference": local_iso(entry.end, info.timezone),
                "speakers": [
                    {
                        "participant_id": slot.speaker.participant_id,
                        "name": slot.speaker.name,
                        "country": slot.speaker.country,
                        "timezone": slot.speaker.timezone,
                        **times_once(slot.start, slot.end, slot.speaker.timezone),
                    }
                    for slot in entry.slots
                ],
            }

    def people() -> Iterator[dict]:
        slots_of: dict[int, list] = {}
        for entry in scheduled:
            for slot in entry.slots:
                slots_of.setdefault(slot.speaker.participant_id, []).append(
                    (entry, slot)
                )
        for person in participants:
            yield {
                "participant_id": person.participant_id,
                "name": person.name,
                "latin_name": person.latin_name,
                "role": person.role,
                "country": person.country,
                "timezone": person.timezone,
                "meeting": dict(times_once(start, end, person.timezone)),
                "speaking": [
                    {
                        "item": entry.item.title,
                        **times_once(slot.start, slot.end, person.timezone),
                    }
                    for entry, slot in slots_of.get(person.participant_id, [])
                ],
            }

    doc["conference"].update(times(start, end, info.timezone, info.day_window))
    doc["items"] = Lazy(items())
    doc["participants"] = Lazy(people())
    return doc


# A cell a spreadsheet would read as a formula, or as a command on some (DDE).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheets show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """A CSV document of ``rows`` (header first), every cell through
    :func:`csv_cell`, CRLF line ends and a byte-order mark, so that Excel reads
    the UTF-8 names (张国强, ნინო)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


# The schedule CSV's columns: read by people, so written in their language
# (marked here, translated in :func:`_schedule_rows`); English is the default.
# Translators: the column names of the schedule CSV (spreadsheet headings).
CSV_HEADER = (
    N_("position"),
    N_("item"),
    N_("kind"),
    N_("start_utc"),
    N_("end_utc"),
    N_("start_reference"),
    N_("end_reference"),
    N_("speaker"),
    N_("country"),
    N_("speaker_timezone"),
    N_("speaker_start_utc"),
    N_("speaker_end_utc"),
    N_("speaker_local_start"),
    N_("speaker_local_end"),
    N_("speaker_outside_hours"),
)


def schedule_csv(info: ConferenceInfo, scheduled: Sequence[ScheduledItem]) -> str:
    """One row per speaking slot (one per item without speakers)."""
    return csv_text(_schedule_rows(info, scheduled))


def _schedule_rows(
    info: ConferenceInfo, scheduled: Sequence[ScheduledItem]
) -> Iterator[list]:
    yield [_(column) for column in CSV_HEADER]
    yes, no = _("yes"), _("no")
    for entry in scheduled:
        base = [
            entry.position + 1,
            entry.item.title,
            entry.item.kind,
            tz.format_instant(entry.start),
            tz.format_instant(entry.end),
            local_iso(entry.start, info.timezone),
            local_iso(entry.end, info.timezone),
        ]
        if not entry.slots:
            yield base + [""] * 8
        for slot in entry.slots:
            zone = slot.speaker.timezone
            local = zv.span(
                slot.start, slot.end, zone, slot.start.date(), info.day_window
            )
            yield base + [
                slot.speaker.name,
                slot.speaker.country,
                zone,
                tz.format_instant(slot.start),
                tz.format_instant(slot.end),
                local_iso(slot.start, zone),
                local_iso(slot.end, zone),
                yes if local.outside else no,
            ]


def _hhmm(minutes: float) -> str:
    hours, mins = divmod(round(minutes), 60)
    return f"{hours:02d}:{mins:02d}"


def event_guid(conference_uid: str, item_key: int | str) -> str:
    """A frab event's guid: from the conference's and the item's uids (kept by
    export and import, and by a change of slug, so a conference moved to another
    database or renamed keeps its guids), else the item's id."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"silkmeet:{conference_uid}:item:{item_key}")
    )


def frab_document(
    info: ConferenceInfo,
    scheduled: Sequence[ScheduledItem],
    version: str,
    base_url: str = "",
) -> dict:
    """A frab-compatible schedule (the shape of frab's ``schedule.json``).

    Days are the reference zone's local dates; one room, the video call.
    """
    zone = info.timezone
    days: dict[date, list[ScheduledItem]] = {}
    for entry in scheduled:
        days.setdefault(tz.to_local(entry.start, zone).date(), []).append(entry)
    if info.start is not None and not days:
        days[tz.to_local(info.start, zone).date()] = []
    day_list = []
    for index, (day, entries) in enumerate(sorted(days.items()), start=1):
        events = []
        for entry in entries:
            events.append(
                {
                    "id": entry.item.id,
                    "guid": event_guid(info.uid, entry.item.uid or entry.item.id),
                    "date": local_iso(entry.start, zone),
                    "start": tz.to_local(entry.start, zone).strftime("%H:%M"),
                    "duration": _hhmm(entry.duration.total_seconds() / 60),
                    "room": ROOM,
                    "slug": f"{info.slug}-{entry.item.id}",
                    "url": "",
                    "title": entry.item.title,
                    **translated("title_translations", entry.item.title_translations),
                    "subtitle": "",
                    "track": entry.item.kind,
                    "type": entry.item.kind,
                    "language": info.languages[0] if info.languages else "",
                    "abstract": "",
                    "description": "",
                    "logo": "",
                    "persons": [
                        {
                            "id": slot.speaker.participant_id,
                            "public_name": slot.speaker.name,
                        }
                        for slot in entry.slots
                    ],
                    "links": [],
                    "attachments": [],
                }
            )
        first = entries[0].start if entries else info.start
        last = max((e.end for e in entries), default=info.start)
        day_list.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": local_iso(first, zone),
                "day_end": local_iso(last, zone),
                "rooms": {ROOM: events},
            }
        )
    dates = sorted(days)
    return {
        "schedule": {
            "version": version,
            "base_url": base_url,
            "conference": {
                "acronym": info.slug,
                "title": info.title,
                **translated("title_translations", info.title_translations),
                "start": dates[0].isoformat() if dates else "",
                "end": dates[-1].isoformat() if dates else "",
                "daysCount": len(dates),
                "timeslot_duration": "00:05",
                "time_zone_name": zone,
                "days": day_list,
            },
        }
    }


def frab_xml(document: dict) -> bytes:
    """The XML form of :func:`frab_document` (frab's ``schedule.xml``)."""
    schedule = document["schedule"]
    conference = schedule["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "version").text = schedule["version"]
    conf = ET.SubElement(root, "conference")
    for key, tag in (
        ("acronym", "acronym"),
        ("title", "title"),
        ("start", "start"),
        ("end", "end"),
        ("daysCount", "days"),
        ("timeslot_duration", "timeslot_duration"),
        ("time_zone_name", "time_zone_name"),
    ):
        ET.SubElement(conf, tag).text = str(conference[key])
    _xml_translations(conf, conference)
    ET.SubElement(conf, "base_url").text = schedule["base_url"]
    for day in conference["days"]:
        day_el = ET.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", name=room)
            for event in events:
                ev = ET.SubElement(
                    room_el, "event", id=str(event["id"]), guid=event["guid"]
                )
                for tag in (
                    "date",
                    "start",
                    "duration",
                    "room",
                    "slug",
                    "url",
                    "title",
                    "subtitle",
                    "track",
                    "type",
                    "language",
                    "abstract",
                    "description",
                    "logo",
                ):
                    ET.SubElement(ev, tag).text = str(event[tag])
                _xml_translations(ev, event)
                persons = ET.SubElement(ev, "persons")
                for person in event["persons"]:
                    ET.SubElement(
                        persons, "person", id=str(person["id"])
                    ).text = person["public_name"]
                ET.SubElement(ev, "links")
                ET.SubElement(ev, "attachments")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_translations(parent: ET.Element, entry: dict) -> None:
    """``<title_translations><title xml:lang="fr">…</title>…``, after the
    elements frab readers know, when the title has translations."""
    translations = entry.get("title_translations")
    if not translations:
        return
    holder = ET.SubElement(parent, "title_translations")
    for tag, text in translations.items():
        ET.SubElement(
            holder, "title", {"{http://www.w3.org/XML/1998/namespace}lang": tag}
        ).text = text
