from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from silkmeet.i18n import lazy_gettext
from silkmeet.organiser.forms import REQUIRED
from silkmeet.organiser.forms import language_field
from silkmeet.organiser.forms import text


class LoginForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email"),
        validators=[text("organiser.email", True)],
        render_kw=REQUIRED,
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)]
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        lazy_gettext("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        lazy_gettext("New password"),
        validators=[DataRequired(), Length(max=200)],
    )
    confirm = PasswordField(
        lazy_gettext("New password again"),
        validators=[
            DataRequired(),
            EqualTo(
                "new_password", message=lazy_gettext("The two new passwords differ.")
            ),
        ],
    )


class LanguageForm(FlaskForm):
    """The language an organiser works in (``Organiser.language``)."""

    language = language_field(
        lazy_gettext("Language"), lazy_gettext("As my browser asks")
    )
