"""The organisers' Answers page: who answers what, counted per country and per
role, answers taken by phone, the CSV and the nudge button. The participant
answers on their personal page (:func:`silkmeet.agenda.views.delegate_page`)."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import login_required

from silkmeet.access import organiser_conference
from silkmeet.answers import forms
from silkmeet.answers import operations as ops
from silkmeet.db import utcnow
from silkmeet.domain import answers
from silkmeet.domain import reminders
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import ngettext
from silkmeet.mail import reminders as due_reminders
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.web import csv_response

bp = Blueprint("answers", __name__)


def chosen_answer() -> str | None:
    """The ``?answer=`` filter, if any; 400 for a word that is no answer."""
    answer = request.args.get("answer") or None
    if answer is not None and answer not in v.values(v.RSVP_ANSWERS):
        abort(
            400,
            description=_(
                "%(answer)s is not an answer to filter by.", answer=repr(answer[:40])
            ),
        )
    return answer


def render_answers(
    conference: Conference,
    answer: str | None,
    failed: tuple[int, forms.RecordAnswerForm] | None = None,
):
    by_country = ops.counts_by_country(conference.id)
    status = 400 if failed else 200
    page = render_template(
        "answers/answers.html",
        conference=conference,
        answer=answer,
        people=ops.answer_rows(conference.id, answer),
        by_country=by_country,
        by_role=ops.counts_by_role(conference.id),
        overall=answers.overall(by_country),
        count_order=answers.COUNT_ORDER,
        comment_max=answers.COMMENT_MAX,
        failed=failed,
        reach=due_reminders.nudge_reach(conference.id),
        reminder_offsets=[
            reminders.format_offset(o) for o in conference.reminder_offsets or ()
        ],
        nudge_offset=(
            reminders.format_offset(conference.nudge_offset)
            if conference.nudge_offset
            else None
        ),
    )
    return page, status


@bp.get("/organiser/c/<slug>/answers")
@login_required
def show_answers(slug: str):
    conference = organiser_conference(slug)
    return render_answers(conference, chosen_answer())


@bp.get("/organiser/c/<slug>/answers.csv")
@login_required
def answers_csv(slug: str):
    conference = organiser_conference(slug)
    return csv_response(ops.answers_table(conference), f"{slug}-answers.csv")


@bp.post("/organiser/c/<slug>/answers/<int:participation_id>")
@login_required
def record_answer(slug: str, participation_id: int):
    conference = organiser_conference(slug)
    participation = db.session.get(Participation, participation_id)
    if (
        participation is None
        or participation.conference_id != conference.id
        or participation.removed_at is not None
    ):
        abort(404)
    form = forms.RecordAnswerForm()
    answer = chosen_answer()
    if not form.validate_on_submit():
        return render_answers(conference, answer, failed=(participation.id, form))
    ops.record_answer(
        participation,
        form.answer.data,
        form.comment.data,
        source=answers.FROM_ORGANISER,
    )
    db.session.commit()
    flash(
        # Translators: a person's name, then their answer (Accepted, No answer…).
        _(
            "%(name)s: %(answer)s, recorded.",
            name=participation.person.display_name,
            answer=_(v.label(v.RSVP_ANSWERS, participation.rsvp)),
        ),
        "success",
    )
    target = url_for("answers.show_answers", slug=slug, answer=answer)
    return redirect(f"{target}#p{participation.id}")


@bp.post("/organiser/c/<slug>/answers/nudge")
@login_required
def nudge_now(slug: str):
    conference = organiser_conference(slug)
    try:
        count = due_reminders.nudge_now(conference, utcnow())
    except due_reminders.CannotNudge as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        if count:
            flash(
                ngettext(
                    "%(num)d nudge queued: the mail worker sends it.",
                    "%(num)d nudges queued: the mail worker sends them.",
                    count,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "No nudge queued: everyone invited has answered, or was just "
                    "nudged."
                ),
                "warning",
            )
    return redirect(url_for("answers.show_answers", slug=slug))
