from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms import ValidationError

from silkmeet.domain import answers
from silkmeet.domain import fields
from silkmeet.domain import vocabulary as v
from silkmeet.i18n import lazy_gettext
from silkmeet.organiser.forms import checked
from silkmeet.organiser.forms import choices


def check_comment(form, field):
    try:
        field.data = answers.clean_comment(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class AnswerForm(FlaskForm):
    """A participant's answer on their page: one button per answer (named
    ``answer``) and a comment."""

    answer = RadioField(
        lazy_gettext("Your answer"),
        choices=choices(
            (value, lazy_gettext(text)) for value, text in answers.PAGE_ANSWERS
        ),
    )
    comment = TextAreaField(
        lazy_gettext("Comment for the organisers (optional)"),
        validators=[check_comment],
        render_kw={"maxlength": answers.COMMENT_MAX},
    )


class RecordAnswerForm(AnswerForm):
    """An answer an organiser was given (by phone, in person); "no answer"
    clears one."""

    # The one rule for an answer word (the JSON import's too), with its message.
    answer = SelectField(
        lazy_gettext("Answer"),
        choices=choices((value, lazy_gettext(text)) for value, text in v.RSVP_ANSWERS),
        validate_choice=False,
        validators=[checked(fields.answer)],
    )
