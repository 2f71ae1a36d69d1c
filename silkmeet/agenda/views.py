from __future__ import annotations

import functools
import itertools
import json
from datetime import date

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from silkmeet import access as access_rules
from silkmeet.access import EVERYTHING
from silkmeet.access import has_rights
from silkmeet.access import participation_by_token
from silkmeet.access import public_view
from silkmeet.agenda import cells
from silkmeet.agenda import exports as schedule_exports
from silkmeet.answers import operations as answer_ops
from silkmeet.answers.forms import AnswerForm
from silkmeet.cache import cached
from silkmeet.cache import conference_key
from silkmeet.domain import answers
from silkmeet.domain import exports
from silkmeet.domain import jsonstream
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain import zoneview as zv
from silkmeet.domain.languages import localised
from silkmeet.domain.languages import localised_schedule
from silkmeet.domain.languages import reader_locale
from silkmeet.domain.schedule import meeting_end
from silkmeet.domain.schedule import turns_of
from silkmeet.extensions import db
from silkmeet.i18n import choose_locale
from silkmeet.i18n import get_locale
from silkmeet.i18n import gettext as _
from silkmeet.models import Conference
from silkmeet.runofshow.follow import personal_turn
from silkmeet.timetable import active_people
from silkmeet.timetable import lineup_of
from silkmeet.timetable import schedule_for
from silkmeet.web import content_disposition

bp = Blueprint("agenda", __name__)


def is_organiser(conference: Conference) -> bool:
    return current_user.is_authenticated and has_rights(conference.id)


def agenda_access(conference: Conference, key: str | None) -> tuple[bool, str | None]:
    """:func:`silkmeet.access.agenda_access`, with the key from the path or query."""
    return access_rules.agenda_access(conference, key or request.args.get("key"))


def conference_or_404(slug: str) -> Conference:
    """The conference row alone; :func:`lineup_of` loads the rest if needed."""
    return db.first_or_404(select(Conference).where(Conference.slug == slug))


@functools.lru_cache(maxsize=512)
def zone_options(selected: str) -> Markup:
    """The zone selector's ``<option>``s, ``selected`` marked (and listed first
    when it is not an offered zone). The same 420 lines on every agenda view:
    written once per zone."""
    zones = tz.offered_zones()
    lines = []
    if selected not in zones:
        lines.append(
            Markup('<option value="{0}" selected>{0}</option>').format(selected)
        )
    for zone in zones:
        lines.append(
            Markup('<option value="{}"{}>{}</option>').format(
                zone,
                Markup(" selected") if zone == selected else "",
                zone.replace("_", " "),
            )
        )
    return Markup("\n      ").join(lines)


def chosen_zone(asked: str | None, reference: str) -> tuple[str, str | None]:
    """The zone to show and a notice when the asked one is unknown."""
    if not asked:
        return reference, None
    try:
        return tz.known_zone_name(asked), None
    except tz.TimeZoneError:
        return reference, _(
            "Unknown time zone \u201c%(zone)s\u201d: times are shown in the "
            "conference's zone, %(reference)s.",
            zone=asked[:64],
            reference=reference,
        )


class AgendaBase:
    """What the agenda shows of a conference whatever the viewer's zone and
    language: the schedule, chairs and hosts (role codes, worded at display),
    each row's speakers and its span in the conference's zone and in every
    speaker's zone, measured against the conference's day window. Kept per
    content version (:mod:`silkmeet.cache`): the first page after a change
    works it out once, not once per zone (nor reads the lineup once per zone).
    It holds no words, so one serves every language."""

    def __init__(self, conference: Conference):
        self.scheduled = schedule_for(conference)
        # (role, (full, Latin)) and (role, organisation): grouped and worded
        # by AgendaView, which is kept per language.
        self.chair_pairs = [
            (r.role, (r.full_name, r.latin_name))
            for r in active_people(conference.id, v.CHAIR_ROLES)
        ]
        self.host_pairs = [(h.role, h.organisation.name) for h in conference.hosts]
        self.window = conference.day_window
        self.day = self.end = None
        self.zones: dict[str, list[str]] = {}
        self.spans: dict[str, tuple] = {}
        self.lines: list = []
        if conference.start_at is not None:
            self.day = tz.to_local(conference.start_at, conference.timezone).date()
            self.end = meeting_end(
                conference.start_at, conference.duration_minutes, self.scheduled
            )
            self.zones = zv.speaker_zones(self.scheduled)
            self.spans = {
                zone: zv.zone_spans(self.scheduled, zone, self.day, self.window)
                for zone in {conference.timezone, *self.zones}
            }
            self.lines = zv.speaker_lines(self.scheduled, self.day, self.window)
        self.cache_size = 512 * len(self.scheduled) * (1 + len(self.spans))

    def spans_in(self, zone: str):
        """Every row's span in ``zone`` (kept for the zones every viewer sees)."""
        kept = self.spans.get(zone)
        if kept is not None:
            return kept
        return zv.zone_spans(self.scheduled, zone, self.day, self.window)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgendaBase) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


class AgendaView:
    """What the agenda and the delegate's page show of a conference in one
    zone, the table rendered already (``cards``: the delegate page's cards
    instead, :func:`my_agenda` in the macros), from the zone-free
    :class:`AgendaBase`. Kept per content version, zone and language
    (:mod:`silkmeet.cache`): every visitor in that zone who reads that
    language gets the same."""

    def __init__(
        self,
        conference: Conference,
        base: AgendaBase,
        viewer_zone: str,
        locale: str,
        cards: bool = False,
    ):
        # The base's schedule, with each title in the reader's language where
        # the organisers gave one (the base itself holds no words).
        self.scheduled = localised_schedule(base.scheduled, locale)
        # ("Chair", [name]), ("Co-chairs", [names]): each role as it is; a
        # name is (full, Latin), written by the template's person_name.
        self.chairs = v.by_role(v.PARTICIPANT_ROLES, base.chair_pairs)
        self.hosts = v.by_role(v.HOST_ROLES, base.host_pairs)
        self.meeting = self.meeting_viewer = None
        # The rendered table, UTF-8: sent as it is, never copied again.
        self.table = b""
        if conference.start_at is not None:
            window = base.window
            day, end = base.day, base.end
            columns = zv.zone_columns(
                base.zones,
                conference.start_at,
                day,
                skip={conference.timezone, viewer_zone},
            )
            rows = zv.agenda_rows(
                self.scheduled,
                conference.timezone,
                viewer_zone,
                columns,
                day,
                window,
                spans=base.spans_in,
                lines=base.lines,
            )
            self.meeting = zv.span(
                conference.start_at, end, conference.timezone, day, window
            )
            self.meeting_viewer = zv.span(
                conference.start_at, end, viewer_zone, day, window
            )
            if rows:
                macros = current_app.jinja_env.get_template("agenda/_macros.html")
                mark = cells.night_mark(window)
                if cards:
                    self.table = macros.module.my_agenda(
                        rows,
                        [Markup(cells.when(row.viewer, mark)) for row in rows],
                        [
                            [
                                (label, Markup(cells.when(span, mark)))
                                for label, span in zv.elsewhere(
                                    row, columns, conference.timezone, viewer_zone
                                )
                            ]
                            for row in rows
                        ],
                        viewer_zone,
                    ).encode()
                else:
                    self.table = macros.module.agenda_table(
                        rows,
                        cells.time_cells(
                            rows, columns, conference.timezone, viewer_zone, window
                        ),
                        columns,
                        self.meeting,
                        self.meeting_viewer,
                        conference.timezone,
                        viewer_zone,
                    ).encode()
        self.cache_size = len(self.table) + 512 * len(self.scheduled)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgendaView) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


# Where a page's template puts the agenda table; escaped user text cannot
# contain it ("<" is always escaped).
TABLE_MARK = "<!-- agenda table -->"


def with_table(page: str, table: bytes) -> Response:
    """``page`` with ``table`` in place of :data:`TABLE_MARK`. The body goes out
    in three pieces, so the table's cached bytes (1.4 MB for 300 items and 16
    zones) are neither escaped, joined nor encoded again per request."""
    before, mark, after = page.partition(TABLE_MARK)
    parts = [before.encode(), table, after.encode()] if mark else [page.encode()]
    response = Response(parts, mimetype="text/html")
    response.content_length = sum(map(len, parts))
    return response


def agenda_context(
    conference: Conference, viewer_zone: str, cards: bool = False
) -> dict:
    """Everything the agenda and the delegate's page print, converted and
    rendered already, in the request's language (titles the organisers gave
    in it, :func:`localised`); the lineup is read only when this worker has
    not built this version of the conference yet, and the view only when not
    in this zone and language."""
    key = conference_key(conference)
    locale = str(get_locale())
    view = cached(
        "my-agenda" if cards else "agenda",
        key,
        # The table holds words ("Item", "night", "ends …") and titles: one
        # per language.
        (viewer_zone, locale),
        lambda: AgendaView(
            conference,
            cached("agenda-base", key, None, lambda: AgendaBase(lineup_of(conference))),
            viewer_zone,
            locale,
            cards,
        ),
    )
    return {
        "conference": conference,
        "conference_title": localised(
            conference.title, conference.title_translations, locale
        ),
        "viewer_zone": viewer_zone,
        "reference_zone": conference.timezone,
        "table": Markup(TABLE_MARK) if view.table else Markup(""),
        "table_bytes": view.table,
        "meeting": view.meeting,
        "meeting_viewer": view.meeting_viewer,
        "chairs": view.chairs,
        "hosts": view.hosts,
        "scheduled": view.scheduled,
    }


@bp.get("/c/<slug>/agenda")
@bp.get("/c/<slug>/agenda/<key>")
def show_agenda(slug: str, key: str | None = None):
    conference = conference_or_404(slug)
    organiser, key = agenda_access(conference, key)
    viewer_zone, notice = chosen_zone(request.args.get("tz"), conference.timezone)
    context = agenda_context(conference, viewer_zone)
    sees = public_view(organiser)
    page = render_template(
        "agenda/agenda.html",
        notice=notice,
        organiser=organiser,
        key=key,
        key_args={"key": key} if key else {},
        show_passcode=sees.passcode,
        join_url=sees.join_url(conference.join_url),
        zone_options=zone_options(viewer_zone),
        **context,
    )
    return with_table(page, context["table_bytes"])


@bp.route("/c/<slug>/me/<token>", methods=["GET", "POST"])
def delegate_page(slug: str, token: str):
    participation = participation_by_token(slug, token)
    conference = participation.conference
    person = participation.person
    # Their page in the language they read (?lang= still wins: the switcher).
    choose_locale(
        reader_locale(person.preferred_language, person.languages, conference.languages)
    )
    # A POST is the participant's answer (silkmeet/answers/).
    answer_form = AnswerForm()
    if answer_form.validate_on_submit():
        try:
            answer_ops.record_answer(
                participation,
                answer_form.answer.data,
                answer_form.comment.data,
                source=answers.FROM_PAGE,
            )
        except answer_ops.CannotAnswer as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Thank you: your answer is recorded."), "success")
        target = url_for("agenda.delegate_page", slug=slug, token=token)
        return redirect(target + "#answer")
    if request.method == "GET":
        answer_form.comment.data = participation.rsvp_comment
    context = agenda_context(conference, person.timezone, cards=True)
    day = (
        tz.to_local(conference.start_at, conference.timezone).date()
        if conference.start_at
        else None
    )
    slots = my_slots(
        context["scheduled"],
        participation.id,
        person.timezone,
        day,
        conference.day_window,
    )
    page = render_template(
        "agenda/delegate.html",
        participation=participation,
        person=person,
        slots=slots,
        live_turn=personal_turn(participation) if slots else None,
        show_passcode=EVERYTHING.passcode,  # a personal link
        join_url=EVERYTHING.join_url(conference.join_url),
        answer_form=answer_form,
        **context,
    )
    response = with_table(page, context["table_bytes"])
    if request.method == "POST":
        response.status_code = 400  # the answer's form, with its errors
    return response


def my_slots(
    scheduled, participation_id: int, zone: str, day: date | None, window
) -> list:
    """The person's speaking slots, each with what comes just before it."""
    return [
        {
            "item": turn.item,
            "span": zv.span(turn.slot.start, turn.slot.end, zone, day, window),
            "before": turn.before,
        }
        for turn in turns_of(scheduled, participation_id)
    ]


def export_conference(slug: str) -> Conference:
    """The conference row alone, if the visitor may see its agenda; the exports
    read their lineup as rows (:func:`read_schedule`)."""
    conference = conference_or_404(slug)
    agenda_access(conference, None)
    return conference


def attachment(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, "inline")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/c/<slug>/schedule.json")
def schedule_json(slug: str):
    conference = export_conference(slug)
    chunks = schedule_exports.schedule_json_chunks(
        conference, everyone=is_organiser(conference)
    )
    # Streamed: 10,000 participants are a 10 MB document, never held whole.
    return attachment(
        jsonstream.batched(itertools.chain(chunks, ("\n",))),
        "application/json",
        f"{slug}.schedule.json",
    )


@bp.get("/c/<slug>/schedule.csv")
def schedule_csv(slug: str):
    conference = export_conference(slug)
    response = attachment(
        schedule_exports.schedule_csv(conference), "text/csv", f"{slug}.schedule.csv"
    )
    response.headers["Content-Disposition"] = content_disposition(
        f"{slug}.schedule.csv"
    )
    response.vary.add("Accept-Language")  # its header row is in the reader's language
    return response


@bp.get("/c/<slug>/schedule.frab.json")
def schedule_frab_json(slug: str):
    conference = export_conference(slug)
    document = schedule_exports.frab(conference)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return attachment(body, "application/json", f"{slug}.frab.json")


@bp.get("/c/<slug>/schedule.frab.xml")
def schedule_frab_xml(slug: str):
    conference = export_conference(slug)
    return attachment(
        exports.frab_xml(schedule_exports.frab(conference)),
        "application/xml",
        f"{slug}.frab.xml",
    )
