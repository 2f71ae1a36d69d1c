"""The chair's run-of-show: the printed sheet, the report, exports; the live view
is in :mod:`silkmeet.runofshow.live`, on this blueprint too.

Every page has two addresses: ``/c/<slug>/run-of-show…`` for the conference's
organisers (login) and ``/c/<slug>/me/<token>/run-of-show…`` for its chair and
co-chairs through their personal link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from babel.dates import format_date
from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from silkmeet import access
from silkmeet import timetable
from silkmeet.domain import runofshow as ros
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.extensions import login_manager
from silkmeet.i18n import gettext as _
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ops
from silkmeet.web import content_disposition
from silkmeet.web import csv_response
from silkmeet.web import reader_locale

bp = Blueprint("runofshow", __name__)


ORGANISER_PREFIX = "/c/<slug>/run-of-show"
CHAIR_PREFIX = "/c/<slug>/me/<token>/run-of-show"


def route(rule: str, **options):
    """Register a view under the organiser address and the chair's personal link."""

    def decorator(view):
        bp.add_url_rule(
            ORGANISER_PREFIX + rule, view_func=view, defaults={"token": None}, **options
        )
        bp.add_url_rule(CHAIR_PREFIX + rule, view_func=view, **options)
        return view

    return decorator


@bp.after_request
def private_headers(response):
    if request.view_args and request.view_args.get("token"):
        # The personal link is a password: never leak it to another site.
        response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


@dataclass
class Sheet:
    conference: Conference
    token: str | None
    # The chair or co-chair who opened their link; None for organisers.
    viewer: Participation | None
    chair: Participation | None
    chair_zone: str

    def url(self, endpoint: str, **values) -> str:
        return url_for(
            f"runofshow.{endpoint}",
            slug=self.conference.slug,
            token=self.token,
            **values,
        )

    @property
    def is_organiser(self) -> bool:
        return self.viewer is None

    @property
    def actor(self) -> str:
        if self.viewer is not None:
            return self.viewer.person.full_name
        return current_user.email


def open_sheet(slug: str, token: str | None) -> Sheet:
    """The conference for this viewer, loaded whole, or 404/403/login."""
    if token is None:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        conference = timetable.attach_speakers(
            access.organiser_conference(slug, timetable.graph_options())
        )
        viewer = None
    else:
        participation = access.participation_by_token(slug, token)
        if participation.role not in v.CHAIR_ROLES:
            abort(403, _("The run-of-show is for the chair and co-chairs."))
        conference = timetable.load_conference(slug)
        viewer = participation
    chair = viewer or ops.chair_of(conference)
    zone = chair.person.timezone if chair is not None else conference.timezone
    return Sheet(conference, token, viewer, chair, zone)


def sheet_rows(sheet: Sheet) -> list[ros.Row]:
    return ops.rows_for(sheet.conference, sheet.chair_zone)


def blocks(rows: list[ros.Row]) -> list[tuple[str | None, list[ros.Row]]]:
    """Consecutive rows grouped by country block (None for items of no country)."""
    grouped: list[tuple[str | None, list[ros.Row]]] = []
    for row in rows:
        if grouped and grouped[-1][0] == row.country:
            grouped[-1][1].append(row)
        else:
            grouped.append((row.country, [row]))
    return grouped


@route("")
def show(slug, token):
    sheet = open_sheet(slug, token)
    rows = sheet_rows(sheet)
    revs = ops.revisions(sheet.conference, rows)
    changes = ros.mark_changes(rows, revs.baseline.snapshot if revs.baseline else None)
    return render_template(
        "runofshow/print.html",
        sheet=sheet,
        conference=sheet.conference,
        rows=changes.rows,
        blocks=blocks(changes.rows),
        changes=changes,
        revisions=revs,
        country_pages=request.args.get("country_pages") == "1",
        planned_end=ops.planned_end(sheet.conference),
        now=ops.now(),
    )


@route("/print", methods=["POST"])
def record_print(slug, token):
    sheet = open_sheet(slug, token)
    rows = sheet_rows(sheet)
    if not rows:
        flash(_("There is nothing to print yet: the lineup is empty."), "error")
        return redirect(sheet.url("show"))
    record = ops.record_print(sheet.conference, rows, sheet.actor)
    db.session.commit()
    flash(
        _(
            "Revision %(revision)s recorded. Print it now with your browser "
            "(Ctrl+P or ⌘P): A4 portrait.",
            revision=record.revision,
        ),
        "success",
    )
    values = {"country_pages": "1"} if request.form.get("country_pages") == "1" else {}
    return redirect(sheet.url("show", **values))


# --- exports ---------------------------------------------------------------------


def wall(local: tz.LocalTime) -> str:
    return f"{local.wall:%H:%M} {local.abbreviation}"


def dated(local: tz.LocalTime, now: datetime) -> str:
    """``14:00 CET``, with its date in front (``Fri 20 Nov 14:00 CET``) when
    that is not today's date in the same zone."""
    if local.wall.date() == tz.local_time(now, local.zone).wall.date():
        return wall(local)
    day = format_date(local.wall.date(), "EEE d MMM", locale=reader_locale())
    return f"{day} {wall(local)}"


def speaker_text(row: ros.Row) -> str:
    return "; ".join(
        " — ".join(p for p in (s.name, s.credentials) if p) for s in row.speakers
    )


@route(".csv")
def export_csv(slug, token):
    sheet = open_sheet(slug, token)
    rows = sheet_rows(sheet)
    conference = sheet.conference
    table = [
        [
            "cue",
            "start_utc",
            f"start ({conference.timezone})",
            f"start ({sheet.chair_zone})",
            "duration_min",
            "cumulative",
            "back_time",
            "item",
            "country",
            "speakers",
            "pronunciation",
            "notes",
            "technical_cue",
            "handover",
        ]
    ]
    for row in rows:
        table.append(
            [
                row.cue,
                tz.format_instant(row.start),
                wall(row.start_reference),
                wall(row.start_chair),
                f"{row.duration_minutes:g}",
                ros.format_span(row.cumulative),
                ros.format_span(row.back_time),
                row.title,
                row.country_name,
                speaker_text(row),
                "; ".join(s.pronunciation for s in row.speakers if s.pronunciation),
                row.notes,
                row.technical,
                row.handover,
            ]
        )
    return csv_response(table, f"{conference.slug}-run-of-show.csv")


def row_json(row: ros.Row) -> dict:
    return {
        "cue": row.cue,
        "item_id": row.item_id,
        "kind": row.kind,
        "title": row.title,
        "country": row.country,
        "start": tz.format_instant(row.start),
        "end": tz.format_instant(row.end),
        "start_reference": row.start_reference.wall.isoformat(),
        "start_chair": row.start_chair.wall.isoformat(),
        "duration_minutes": row.duration_minutes,
        "cumulative_minutes": row.cumulative.total_seconds() / 60,
        "back_time_minutes": row.back_time.total_seconds() / 60,
        "speakers": [
            {
                "honorific": s.honorific,
                "full_name": s.full_name,
                "latin_name": s.latin_name,
                "position": s.position,
                "organisation": s.organisation,
                "country": s.country,
                "pronunciation": s.pronunciation,
            }
            for s in row.speakers
        ],
        "notes": row.notes,
        "technical_cue": row.technical,
        "handover": row.handover,
        "actual_start": tz.format_instant(row.actual_start)
        if row.actual_start
        else None,
        "actual_end": tz.format_instant(row.actual_end) if row.actual_end else None,
    }


@route(".json")
def export_json(slug, token):
    sheet = open_sheet(slug, token)
    rows = sheet_rows(sheet)
    conference = sheet.conference
    prints = ops.recent_prints(conference)
    document = {
        "conference": conference.slug,
        "title": conference.title,
        "reference_zone": conference.timezone,
        "chair_zone": sheet.chair_zone,
        "start": tz.format_instant(conference.start_at)
        if conference.start_at
        else None,
        "planned_end": tz.format_instant(ops.planned_end(conference))
        if conference.start_at
        else None,
        "last_printed_revision": prints[0].revision if prints else None,
        "items": [row_json(row) for row in rows],
    }
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = content_disposition(
        f"{conference.slug}-run-of-show.json"
    )
    return response


# --- planned versus actual -------------------------------------------------------


def _minutes(span: timedelta | None) -> str:
    return "" if span is None else f"{span.total_seconds() / 60:.1f}"


def report_track(sheet: Sheet) -> ops.Track:
    """The meeting's record; the rehearsal's when asked (``?run=rehearsal``)
    while there is one."""
    if request.args.get("run") == "rehearsal" and sheet.conference.rehearsal_at:
        return ops.REHEARSAL
    return ops.MEETING


@route("/report")
def report(slug, token):
    sheet = open_sheet(slug, token)
    track = report_track(sheet)
    rows = ops.rows_for(sheet.conference, sheet.chair_zone, track)
    return render_template(
        "runofshow/report.html",
        sheet=sheet,
        conference=sheet.conference,
        speakers=ros.per_speaker(rows),
        countries=ros.per_country(rows),
        live=ros.project(rows, ops.now()),
        rehearsal=track.rehearsal,
    )


@route("/report.csv")
def report_csv(slug, token):
    sheet = open_sheet(slug, token)
    track = report_track(sheet)
    rows = ops.rows_for(sheet.conference, sheet.chair_zone, track)
    table = [
        [
            "level",
            "item / speaker",
            "country",
            "planned_start_utc",
            "actual_start_utc",
            "planned_min",
            "actual_min",
            "difference_min",
            "limit_min",
            "over_limit_min",
        ]
    ]
    for level, comparisons in (
        ("speaker", ros.per_speaker(rows)),
        ("country", ros.per_country(rows)),
    ):
        for c in comparisons:
            table.append(
                [
                    level,
                    c.label,
                    c.country_name,
                    tz.format_instant(c.planned_start) if c.planned_start else "",
                    tz.format_instant(c.actual_start) if c.actual_start else "",
                    _minutes(c.planned),
                    _minutes(c.actual),
                    _minutes(c.difference),
                    _minutes(c.limit),
                    _minutes(c.over),
                ]
            )
    name = "rehearsal" if track.rehearsal else "planned-vs-actual"
    return csv_response(table, f"{sheet.conference.slug}-{name}.csv")
