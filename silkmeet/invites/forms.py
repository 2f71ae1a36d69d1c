from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import ValidationError

from silkmeet.domain import timezones as tz
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.invites import audience
from silkmeet.invites import sending
from silkmeet.organiser.forms import choices


class SendForm(FlaskForm):
    """Who gets an invitation by e-mail; the choices come from the audience."""

    who = RadioField(
        lazy_gettext("Send to"),
        choices=choices(
            (value, lazy_gettext(text)) for value, text in sending.AUDIENCES
        ),
        default=sending.EVERYONE_NOT_INVITED,
    )
    # Checked below, only when they are the choice.
    role = SelectField(lazy_gettext("Role"), validate_choice=False)
    country = SelectField(lazy_gettext("Delegation"), validate_choice=False)
    # Ticked in the participants' table (their checkboxes name this form).
    chosen = SelectMultipleField(lazy_gettext("Participants"), coerce=int)
    slots = BooleanField(
        lazy_gettext("Send speaking slots as separate calendar events")
    )

    def __init__(self, found: audience.Audience, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((value, _(text)) for value, text in found.roles())
        self.country.choices = choices(
            [(code, tz.country_name(code)) for code in found.countries()]
        )
        self.chosen.choices = choices([(p.id, p.name) for p in found.current])

    def validate_role(self, field):
        if self.who.data == sending.BY_ROLE and not _offered(field):
            raise ValidationError(_("Choose one of the roles in the list."))

    def validate_country(self, field):
        if self.who.data == sending.BY_COUNTRY and not _offered(field):
            raise ValidationError(_("Choose one of the delegations in the list."))

    def validate_chosen(self, field):
        if self.who.data == sending.CHOSEN and not field.data:
            raise ValidationError(_("Tick at least one participant in the list."))


def _offered(field: SelectField) -> bool:
    return any(choice.value == field.data for choice in field.choices)
