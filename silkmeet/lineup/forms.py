from __future__ import annotations

from datetime import datetime
from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DateTimeLocalField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Optional
from wtforms.validators import Regexp

from silkmeet.domain import fields
from silkmeet.domain import items as item_rules
from silkmeet.domain import lineup as lu
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.i18n import lazy_gettext
from silkmeet.organiser.forms import DURATION
from silkmeet.organiser.forms import REQUIRED
from silkmeet.organiser.forms import checked
from silkmeet.organiser.forms import choices
from silkmeet.organiser.forms import country_choices
from silkmeet.organiser.forms import set_translations
from silkmeet.organiser.forms import text
from silkmeet.organiser.forms import translated_choices
from silkmeet.organiser.forms import translations_field


class SpeakerEntry(Form):
    participant = SelectField(
        lazy_gettext("Speaker"), coerce=str, validate_choice=False
    )
    minutes = IntegerField(lazy_gettext("Minutes"), validators=[Optional(), DURATION])


class ItemForm(FlaskForm):
    lineup_version = HiddenField()
    title = StringField(
        lazy_gettext("Title"),
        validators=[text("agenda_item.title", True)],
        render_kw=REQUIRED,
    )
    kind = SelectField(
        lazy_gettext("Kind"), choices=translated_choices(v.ITEM_KINDS), default="other"
    )
    title_translations = translations_field(
        lazy_gettext("Title in other languages"), "agenda_item.title"
    )
    country = SelectField(
        lazy_gettext("Country (for country blocks)"),
        choices=country_choices(lazy_gettext("— the speakers' country —")),
        default="",
    )
    duration_minutes = IntegerField(
        lazy_gettext("Duration (minutes)"),
        default=10,
        validators=[InputRequired(), DURATION],
    )
    target_minutes = IntegerField(
        lazy_gettext("Target length of the block (minutes)"),
        validators=[Optional(), DURATION],
    )
    pinned = BooleanField(lazy_gettext("Pinned: block reordering never moves it"))
    fixed_start = DateTimeLocalField(
        lazy_gettext("Fixed clock time (reference zone)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional(), checked(fields.wall_time)],
    )
    notes = TextAreaField(
        lazy_gettext("Notes for the chair"), validators=[text("agenda_item.notes")]
    )
    technical_cue = SelectField(
        lazy_gettext("Technical cue"),
        choices=translated_choices(v.TECHNICAL_CUES),
        default="none",
    )
    technical_note = StringField(
        lazy_gettext("Technical note"), validators=[text("agenda_item.technical_note")]
    )
    interpretation_language = StringField(
        lazy_gettext("Interpretation language"),
        validators=[checked(fields.interpretation_language)],
    )
    speakers = FieldList(FormField(SpeakerEntry), min_entries=1)

    def show_item(self, item, zone: str, lineup_version: int) -> None:
        """Fill a fresh form with ``item`` (None: a new one) and a blank speaker
        row to add one."""
        if item is not None:
            self.speakers.pop_entry()
            for s in item.speakers:
                self.speakers.append_entry(
                    {"participant": str(s.participation_id), "minutes": s.minutes}
                )
            if item.fixed_start_at is not None:
                self.fixed_start.data = tz.to_local(item.fixed_start_at, zone).replace(
                    tzinfo=None
                )
            self.country.data = item.country or ""
            set_translations(self.title_translations, item.title_translations)
        self.speakers.append_entry()
        self.lineup_version.data = lineup_version

    def offer_speakers(self, pairs) -> None:
        """The (participation id, label) pairs every speaker row offers."""
        self._speaker_choices = choices(pairs)
        for entry in self.speakers:
            entry.participant.choices = self._speaker_choices

    def add_speaker_row(self) -> None:
        self.speakers.append_entry()
        self.speakers[-1].participant.choices = self._speaker_choices

    def draft(self) -> item_rules.ItemDraft:
        """What the organiser typed, for the lineup's ``save_item``."""
        return item_rules.ItemDraft(
            fields={
                "title": self.title.data.strip(),
                "title_translations": fields.translations(
                    self.title_translations.data, "agenda_item.title"
                ),
                "kind": self.kind.data,
                "country": self.country.data or None,
                "duration_minutes": self.duration_minutes.data,
                "target_minutes": self.target_minutes.data,
                "pinned": self.pinned.data,
                "notes": self.notes.data or "",
                "technical_cue": self.technical_cue.data,
                "technical_note": self.technical_note.data or "",
                "interpretation_language": self.interpretation_language.data or None,
            },
            speakers=tuple(
                (entry.participant.data, entry.minutes.data) for entry in self.speakers
            ),
            fixed_start_local=self.fixed_start.data,
        )

    def show_problems(self, problems) -> None:
        """Put each :class:`item_rules.ItemProblem` under its field."""
        for problem in problems:
            if problem.field == "speakers":
                target = self.speakers[problem.row].participant
            else:
                target = self[problem.field]
            target.errors.append(problem.message)


class BuildForm(FlaskForm):
    """One action from the people to a lineup (domain/builder.py)."""

    frame = BooleanField(
        lazy_gettext(
            "Also add the opening, the welcome by the hosts, a keynote and the closing"
        )
    )
    lineup_version = HiddenField()


class HelperForm(FlaskForm):
    helper = SelectField(
        lazy_gettext("Order the country blocks"), choices=translated_choices(lu.HELPERS)
    )
    lineup_version = HiddenField()


class PlannerForm(FlaskForm):
    """The planner's query (GET: nothing is saved, so no CSRF token)."""

    class Meta:
        csrf = False

    date = DateField(
        lazy_gettext("First day"), validators=[Optional(), checked(fields.day)]
    )
    until = DateField(
        lazy_gettext("Last day (optional, up to 31 days)"),
        validators=[Optional(), checked(fields.day)],
    )
    duration = IntegerField(
        lazy_gettext("Duration (minutes)"), validators=[Optional(), DURATION]
    )
    time = StringField(
        lazy_gettext("Start to check (HH:MM)"),
        validators=[
            Optional(),
            # \Z, not $: "$" lets a final newline through, which strptime refuses.
            Regexp(
                r"([01]\d|2[0-3]):[0-5]\d\Z",
                message=lazy_gettext("Type a time as HH:MM."),
            ),
        ],
    )
    at = HiddenField()

    def time_value(self) -> time:
        return datetime.strptime(self.time.data, "%H:%M").time()
