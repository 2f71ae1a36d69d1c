from __future__ import annotations

from datetime import datetime
from datetime import time

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import StringField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp


class PlannerForm(FlaskForm):
    """The planner's query (GET: nothing is saved, so no CSRF token)."""

    class Meta:
        csrf = False

    date = DateField("First day", validators=[Optional()])
    until = DateField("Last day (optional, up to 31 days)", validators=[Optional()])
    duration = IntegerField(
        "Duration (minutes)",
        validators=[
            Optional(),
            NumberRange(1, 1440, "The duration must be between 1 and 1440 minutes."),
        ],
    )
    time = StringField(
        "Start to check (HH:MM)",
        validators=[
            Optional(),
            Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="Type a time as HH:MM."),
        ],
    )
    at = HiddenField()

    def time_value(self) -> time:
        return datetime.strptime(self.time.data, "%H:%M").time()
