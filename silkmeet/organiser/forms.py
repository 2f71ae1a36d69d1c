from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import DateTimeLocalField
from wtforms import EmailField
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Optional

from silkmeet.domain import fields
from silkmeet.domain import hours
from silkmeet.domain import languages
from silkmeet.domain import reminders
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext


def checked(rule, *args, store: bool = True, **kwargs):
    """A validator that runs a :mod:`silkmeet.domain.fields` rule on the field's
    data and shows its message; with ``store`` the field keeps the value as the
    rule returns it (stripped, canonical)."""

    def validate(form, field):
        if field.process_errors:
            return  # not a date or a number at all: the field said so
        try:
            value = rule(field.data, *args, **kwargs)
        except fields.FieldError as exc:
            raise ValidationError(str(exc)) from None
        if store:
            field.data = value

    return validate


def text(column: str, required: bool = False):
    """The validator of a text going to ``column`` (``fields.MAX_LENGTH``)."""
    return checked(fields.text, column, required=required)


REQUIRED = {"required": True}
DURATION = checked(fields.minutes)


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 deprecates (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def translated_choices(pairs) -> list[SelectChoice]:
    """A closed list's choices (domain/vocabulary.py, labels marked with N_),
    each label in the reader's language when the form is drawn."""
    return [SelectChoice(value, lazy_gettext(label)) for value, label in pairs]


def country_choices(blank: str = "—"):
    return choices([("", blank)] + tz.country_choices())


def zone_choices():
    return choices([("", "—")] + [(z, z) for z in tz.offered_zones()])


LANGUAGES = checked(fields.language_list, store=False)


def language_choices(blank: str) -> list[SelectChoice]:
    """The languages silkmeet speaks, each by its own name, after ``blank``."""
    return choices(
        [("", blank)]
        + [(code, languages.native_name(code)) for code in languages.SUPPORTED]
    )


def language_field(label, blank) -> SelectField:
    """A choice of the languages silkmeet speaks, ``blank`` for none: the one
    rule of :func:`fields.preferred_language` (a participant's, an organiser's)."""
    return SelectField(
        label,
        choices=language_choices(blank),
        default="",
        validate_choice=False,
        validators=[checked(fields.preferred_language)],
    )


def translations_field(label: str, column: str, field_class=StringField) -> FormField:
    """One text per language silkmeet speaks (the form's ``translations``
    macro puts them behind a ``<details>``); its data is ``{code: text}``,
    which :func:`fields.translations` then cleans."""

    class Translations(Form):
        pass

    for code in languages.SUPPORTED:
        setattr(
            Translations,
            code,
            field_class(
                languages.native_name(code),
                validators=[text(column)],
                render_kw={"lang": code.replace("_", "-"), "dir": "auto"},
            ),
        )
    return FormField(Translations, label, separator="-")


def set_translations(field: FormField, translations: dict | None) -> None:
    """Fill a :func:`translations_field` with a stored column's values."""
    for code, value in (translations or {}).items():
        if code in field.form:
            field.form[code].data = value


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
    title = StringField(
        lazy_gettext("Title"),
        validators=[text("conference.title", True)],
        render_kw=REQUIRED,
    )
    slug = StringField(
        lazy_gettext("Short name for links"),
        validators=[checked(fields.slug)],
    )
    description = TextAreaField(
        lazy_gettext("Description"), validators=[text("conference.description")]
    )
    title_translations = translations_field(
        lazy_gettext("Title in other languages"), "conference.title"
    )
    description_translations = translations_field(
        lazy_gettext("Description in other languages"),
        "conference.description",
        TextAreaField,
    )
    timezone = SelectField(
        lazy_gettext("Reference time zone"), validate_choice=False, render_kw=REQUIRED
    )
    start = DateTimeLocalField(
        lazy_gettext("Start (in the reference zone)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    duration_minutes = IntegerField(
        lazy_gettext("Planned duration (minutes)"),
        validators=[InputRequired(), DURATION],
    )
    buffer_minutes = IntegerField(
        lazy_gettext("Buffer between items (minutes)"),
        default=0,
        validators=[InputRequired(), checked(fields.minutes, fields.BUFFER)],
    )
    day_start_hour = SelectField(
        lazy_gettext("Day starts at (everyone's local time)"),
        coerce=int,
        default=hours.DEFAULT_START_HOUR,
        choices=[SelectChoice(h, f"{h:02d}:00") for h in range(0, 24)],
    )
    day_end_hour = SelectField(
        lazy_gettext("Night starts at"),
        coerce=int,
        default=hours.DEFAULT_END_HOUR,
        choices=[SelectChoice(h, f"{h:02d}:00") for h in range(1, 25)],
    )
    speaking_minutes = IntegerField(
        lazy_gettext("Default speaking time per speaker (minutes)"),
        default=v.DEFAULT_SPEAKING_MINUTES,
        validators=[Optional(), checked(fields.minutes, fields.SPEAKING)],
    )
    status = SelectField(
        lazy_gettext("Status"), choices=translated_choices(v.CONFERENCE_STATUSES)
    )
    video_platform = StringField(
        lazy_gettext("Video platform"), validators=[text("conference.video_platform")]
    )
    join_url = URLField(
        lazy_gettext("Join link"), validators=[checked(fields.join_url)]
    )
    meeting_id = StringField(
        lazy_gettext("Meeting ID"), validators=[text("conference.meeting_id")]
    )
    passcode = StringField(
        lazy_gettext("Passcode"), validators=[text("conference.passcode")]
    )
    dial_in = TextAreaField(
        lazy_gettext("Dial-in numbers"), validators=[text("conference.dial_in")]
    )
    languages = StringField(lazy_gettext("Languages"), validators=[LANGUAGES])
    interpretation_channels = StringField(
        lazy_gettext("Interpretation channels"), validators=[LANGUAGES]
    )
    mail_from = StringField(
        lazy_gettext("Sender of the e-mails"),
        validators=[checked(fields.mailbox, "conference.mail_from")],
    )
    mail_reply_to = StringField(
        lazy_gettext("Replies go to"),
        validators=[checked(fields.mailbox, "conference.mail_reply_to")],
    )
    reminder_offsets = OffsetsField(
        lazy_gettext("Reminder e-mails before the start"),
        default=reminders.DEFAULT_REMINDER_OFFSETS,
    )
    nudge_offset = OffsetField(
        lazy_gettext("Nudge those who have not answered"),
        default=reminders.DEFAULT_NUDGE_OFFSET,
    )

    def __init__(self, *args, conference_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference_id = conference_id
        self.timezone.choices = zone_choices()

    def validate(self, extra_validators=None):
        # A short name left empty is made from the title (the page's script
        # suggests the same one as the title is typed).
        from silkmeet.organiser.operations import free_slug

        if not (self.slug.data or "").strip() and self.title.data:
            self.slug.data = free_slug(self.title.data.strip(), self.conference_id)
        return super().validate(extra_validators)

    def validate_slug(self, field):
        from silkmeet.organiser.operations import slug_taken

        if field.errors:
            return  # not a slug at all: nothing to look up
        taken = slug_taken(field.data, self.conference_id)
        if taken == "now":
            raise ValidationError(_("Another conference already uses this short name."))
        if taken == "before":
            raise ValidationError(
                _(
                    "Another conference used this short name before, and its old links "
                    "still lead there: choose another."
                )
            )

    def validate_day_end_hour(self, field):
        """The window as a whole: :func:`fields.day_window`'s rule."""
        if field.errors or self.day_start_hour.errors:
            return
        try:
            fields.day_window(self.day_start_hour.data, field.data)
        except fields.FieldError as exc:
            raise ValidationError(str(exc)) from None

    def validate_timezone(self, field):
        try:
            field.data = fields.zone(field.data)
        except fields.FieldError as exc:
            raise ValidationError(str(exc)) from None

    def validate_start(self, field):
        """The typed start must exist exactly once in the zone chosen above."""
        if field.data is None or field.errors or self.timezone.errors:
            return
        try:
            self.start_at = fields.local_instant(field.data, self.timezone.data)
        except fields.FieldError as exc:
            raise ValidationError(str(exc)) from None

    start_at = None  # the start as a UTC instant, once validated


class OrganiserForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Organiser's email"),
        validators=[text("organiser.email", True)],
        render_kw=REQUIRED,
    )
    access = SelectField(
        lazy_gettext("Rights"),
        choices=translated_choices(v.ORGANISER_RIGHTS),
        default="editor",
    )


class HostForm(FlaskForm):
    name = StringField(
        lazy_gettext("Organisation"),
        validators=[text("organisation.name", True)],
        render_kw=REQUIRED,
    )
    country = SelectField(
        lazy_gettext("Country"), choices=country_choices(), default=""
    )
    kind = SelectField(
        lazy_gettext("Kind"), choices=translated_choices(v.ORGANISATION_KINDS)
    )
    role = SelectField(lazy_gettext("Role"), choices=translated_choices(v.HOST_ROLES))


class ChairForm(FlaskForm):
    chair = SelectField(lazy_gettext("Chair"), coerce=int)
    co_chair = SelectField(lazy_gettext("Co-chair"), coerce=int)

    def validate_co_chair(self, field):
        if field.data and field.data == self.chair.data:
            raise ValidationError(_("The chair and the co-chair must be two people."))


class PersonForm(FlaskForm):
    full_name = StringField(
        lazy_gettext("Full name (own script)"),
        validators=[text("person.full_name", True)],
        render_kw=REQUIRED,
    )
    latin_name = StringField(
        lazy_gettext("Name in Latin script"), validators=[text("person.latin_name")]
    )
    honorific = StringField(
        lazy_gettext("Honorific"), validators=[text("person.honorific")]
    )
    position = StringField(
        lazy_gettext("Position"), validators=[text("person.position")]
    )
    organisation = StringField(
        lazy_gettext("Organisation"), validators=[text("organisation.name")]
    )
    country = SelectField(
        lazy_gettext("Country"),
        choices=country_choices(),
        validate_choice=False,
        validators=[checked(fields.country, required=True)],
        render_kw=REQUIRED,
    )
    timezone = SelectField(lazy_gettext("Time zone"), validate_choice=False)
    role = SelectField(
        lazy_gettext("Role"),
        choices=translated_choices(v.PARTICIPANT_ROLES),
        default="speaker",
    )
    delegation_country = SelectField(
        lazy_gettext("Speaks for (delegation)"),
        choices=country_choices(lazy_gettext("Same as country")),
        default="",
        validate_choice=False,
        validators=[checked(fields.country)],
    )
    email = EmailField(lazy_gettext("Email"), validators=[checked(fields.email)])
    languages = StringField(lazy_gettext("Languages"), validators=[LANGUAGES])
    preferred_language = language_field(
        lazy_gettext("Reads silkmeet in"), lazy_gettext("From their languages")
    )
    pronunciation = StringField(
        lazy_gettext("Pronunciation"), validators=[text("person.pronunciation")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = tz.country_zones(self.country.data or "")
        if zones:
            self.timezone.choices = choices(
                [("", _("Choose the zone"))] + [(z, z) for z in zones]
            )
            if not self.timezone.data and len(zones) == 1:
                self.timezone.data = zones[0]
        else:
            self.timezone.choices = zone_choices()

    def validate_timezone(self, field):
        if self.country.errors:
            return  # no country to check the zone against
        try:
            field.data = fields.person_zone(self.country.data, field.data)
        except fields.FieldError as exc:
            raise ValidationError(str(exc)) from None


class ImportForm(FlaskForm):
    file = FileField(
        lazy_gettext("CSV file"),
        validators=[FileRequired(lazy_gettext("Choose a CSV file."))],
    )


class ConfirmImportForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
    # One-time: a second confirm of one preview writes nothing (imports.py).
    ticket = HiddenField(validators=[DataRequired()])
