"""The planner: when to hold the meeting so that the fewest people are up in
the middle of their night. For organisers; nothing is saved."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import render_template
from flask import request
from flask_login import login_required

from silkmeet import timetable
from silkmeet.access import organiser_conference
from silkmeet.domain import fields
from silkmeet.domain import planner
from silkmeet.domain import timezones as tz
from silkmeet.domain import zoneview as zv
from silkmeet.lineup.forms import PlannerForm
from silkmeet.lineup.views import bp


@bp.get("/c/<slug>/planner")
@login_required
def show_planner(slug: str):
    conference = organiser_conference(slug)
    zone = conference.timezone
    window = conference.day_window
    form = PlannerForm(request.args)
    today = (
        tz.to_local(conference.start_at, zone).date()
        if conference.start_at
        else tz.to_local(datetime.now(UTC), zone).date()
    )
    if not request.args:
        form.date.data = today
        form.duration.data = conference.duration_minutes
        if conference.start_at:
            form.time.data = tz.to_local(conference.start_at, zone).strftime("%H:%M")
    errors: list[str] = []
    notices: list[str] = []
    if request.args and not form.validate():
        errors.extend(e for field_errors in form.errors.values() for e in field_errors)
    first = form.date.data or today
    last = form.until.data or first
    duration = form.duration.data or conference.duration_minutes
    if not errors:
        try:
            planner.check_request(first, last, duration)
        except planner.PlannerError as exc:
            errors.append(str(exc))
    groups = planner.group_attendees(timetable.planner_attendees(conference.id))
    length = timedelta(minutes=duration)
    choice = None
    choices_to_pick: list[datetime] = []
    if not errors and form.at.data:
        try:
            start = fields.parse_instant(form.at.data, zone)
        except fields.FieldError as exc:
            errors.append(str(exc))
        else:
            choice = planner.evaluate(start, duration, groups, zone, window=window)
    elif not errors and form.time.data:
        wall = datetime.combine(first, form.time_value())
        typed = planner.read_typed_start(wall, zone)
        if typed.ok:
            choice = planner.evaluate(
                typed.readings[0], duration, groups, zone, window=window
            )
        else:
            notices.append(typed.message)
            choices_to_pick = list(typed.readings)
    if errors:
        return (
            render_template(
                "lineup/planner.html",
                conference=conference,
                form=form,
                errors=errors,
                groups=groups,
            ),
            400,
        )
    current = None
    if conference.start_at is not None:
        current = planner.evaluate(
            conference.start_at,
            conference.duration_minutes,
            groups,
            zone,
            window=window,
        )
    strip_day = tz.to_local(choice.start, zone).date() if choice else first
    focus = choice or current
    warnings = (
        planner.dst_warnings(focus.start, focus.end, groups, zone) if focus else []
    )
    return render_template(
        "lineup/planner.html",
        conference=conference,
        form=form,
        errors=errors,
        notices=notices,
        groups=groups,
        people=sum(g.count for g in groups),
        ranked=planner.rank(first, last, duration, groups, zone, window=window),
        first=first,
        last=last,
        duration=duration,
        choice=choice,
        current=current,
        choices_to_pick=[
            (tz.format_instant(r), zv.zoned(r, zone, first)) for r in choices_to_pick
        ],
        strip_day=strip_day,
        strip=planner.strip(
            strip_day,
            zone,
            groups,
            meeting=(current.start, current.end) if current else None,
            choice=(choice.start, choice.start + length) if choice else None,
            window=window,
        ),
        warnings=warnings,
        focus=focus,
        format_instant=tz.format_instant,
    )
