from __future__ import annotations

import re

from email_validator import EmailNotValidError
from email_validator import validate_email
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import DateTimeLocalField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp

from silkmeet.domain import reminders
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
DURATION = NumberRange(
    v.MIN_DURATION, v.MAX_DURATION, message="Give a number of minutes from 1 to 1440."
)


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 deprecates (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def country_choices(blank: str = "—"):
    return choices([("", blank)] + tz.country_choices())


def zone_choices():
    import pytz

    return choices([("", "—")] + [(z, z) for z in pytz.common_timezones])


def language_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def check_languages(form, field):
    for tag in language_list(field.data):
        if not LANGUAGE_RE.match(tag):
            raise ValidationError(f"{tag!r} is not a language tag like en or pt-BR.")


class OffsetsField(StringField):
    """Times before the start, written ``1d, 1h`` (domain/reminders.py); its
    data is the tuple of minutes, largest first."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = reminders.parse_offsets(valuelist[0])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return reminders.format_offsets(self.data or ())


class OffsetField(StringField):
    """One time before the start, or none (empty); its data is minutes or None."""

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0].strip()
            self.data = reminders.parse_offset(text) if text else None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return reminders.format_offset(self.data) if self.data else ""


class ConferenceForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        "Short name for links",
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(SLUG_RE, message="Lower-case letters, digits and hyphens only."),
        ],
    )
    description = TextAreaField("Description", validators=[Length(max=5000)])
    timezone = SelectField("Reference time zone", validators=[DataRequired()])
    start = DateTimeLocalField(
        "Start (in the reference zone)",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    duration_minutes = IntegerField(
        "Planned duration (minutes)", validators=[InputRequired(), DURATION]
    )
    buffer_minutes = IntegerField(
        "Buffer between items (minutes)",
        default=0,
        validators=[InputRequired(), NumberRange(0, 240, message="0 to 240 minutes.")],
    )
    status = SelectField("Status", choices=choices(v.CONFERENCE_STATUSES))
    video_platform = StringField("Video platform", validators=[Length(max=100)])
    join_url = URLField(
        "Join link", validators=[Optional(), URL(message="Give a full https:// link.")]
    )
    meeting_id = StringField("Meeting ID", validators=[Length(max=100)])
    passcode = StringField("Passcode", validators=[Length(max=100)])
    dial_in = TextAreaField("Dial-in numbers", validators=[Length(max=2000)])
    languages = StringField("Languages", validators=[Length(max=300), check_languages])
    interpretation_channels = StringField(
        "Interpretation channels", validators=[Length(max=300), check_languages]
    )
    reminder_offsets = OffsetsField(
        "Reminder e-mails before the start",
        default=reminders.DEFAULT_REMINDER_OFFSETS,
    )
    nudge_offset = OffsetField(
        "Nudge those who have not answered",
        default=reminders.DEFAULT_NUDGE_OFFSET,
    )

    def __init__(self, *args, conference_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference_id = conference_id
        self.timezone.choices = zone_choices()

    def validate_slug(self, field):
        from silkmeet.organiser.operations import slug_taken

        if field.errors:
            return  # not a slug at all: nothing to look up
        taken = slug_taken(field.data, self.conference_id)
        if taken == "now":
            raise ValidationError("Another conference already uses this short name.")
        if taken == "before":
            raise ValidationError(
                "Another conference used this short name before, and its old links "
                "still lead there: choose another."
            )

    def validate_timezone(self, field):
        try:
            field.data = tz.canonical_zone(field.data)
        except tz.TimeZoneError as exc:
            raise ValidationError(str(exc)) from None


class OrganiserForm(FlaskForm):
    email = EmailField(
        "Organiser's email", validators=[DataRequired(), Length(max=320)]
    )
    access = SelectField(
        "Rights", choices=choices(v.ORGANISER_RIGHTS), default="editor"
    )


class HostForm(FlaskForm):
    name = StringField("Organisation", validators=[DataRequired(), Length(max=300)])
    country = SelectField("Country", choices=country_choices(), default="")
    kind = SelectField("Kind", choices=choices(v.ORGANISATION_KINDS))
    role = SelectField("Role", choices=choices(v.HOST_ROLES))


class ChairForm(FlaskForm):
    chair = SelectField("Chair", coerce=int)
    co_chair = SelectField("Co-chair", coerce=int)

    def validate_co_chair(self, field):
        if field.data and field.data == self.chair.data:
            raise ValidationError("The chair and the co-chair must be two people.")


class PersonForm(FlaskForm):
    full_name = StringField(
        "Full name (own script)", validators=[DataRequired(), Length(max=300)]
    )
    latin_name = StringField("Name in Latin script", validators=[Length(max=300)])
    honorific = StringField("Honorific", validators=[Length(max=50)])
    position = StringField("Position", validators=[Length(max=300)])
    organisation = StringField("Organisation", validators=[Length(max=300)])
    country = SelectField(
        "Country", choices=country_choices(), validators=[DataRequired()]
    )
    timezone = SelectField("Time zone", validate_choice=False)
    role = SelectField("Role", choices=choices(v.PARTICIPANT_ROLES), default="speaker")
    delegation_country = SelectField(
        "Speaks for (delegation)",
        choices=country_choices("Same as country"),
        default="",
    )
    email = EmailField("Email", validators=[Optional(), Length(max=320)])
    languages = StringField("Languages", validators=[Length(max=300), check_languages])
    pronunciation = StringField("Pronunciation", validators=[Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = tz.country_zones(self.country.data or "")
        if zones:
            self.timezone.choices = choices(
                [("", "Choose the zone")] + [(z, z) for z in zones]
            )
            if not self.timezone.data and len(zones) == 1:
                self.timezone.data = zones[0]
        else:
            self.timezone.choices = zone_choices()

    def validate_timezone(self, field):
        try:
            zone = tz.canonical_zone(field.data or "")
        except tz.TimeZoneError:
            raise ValidationError("Choose the person's time zone.") from None
        zones = tz.country_zones(self.country.data or "")
        if zones and zone not in zones and field.data not in zones:
            raise ValidationError(
                f"{zone} is not a time zone of {tz.country_name(self.country.data)}."
            )
        field.data = zone

    def validate_email(self, field):
        if field.data:
            try:
                field.data = validate_email(
                    field.data, check_deliverability=False
                ).normalized
            except EmailNotValidError as exc:
                raise ValidationError(str(exc)) from None


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")])


class ConfirmImportForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
    # One-time: a second confirm of one preview writes nothing (imports.py).
    ticket = HiddenField(validators=[DataRequired()])
