from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from silkmeet.organiser.forms import REQUIRED
from silkmeet.organiser.forms import text


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", validators=[text("organiser.email", True)], render_kw=REQUIRED
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="The two new passwords differ."),
        ],
    )
