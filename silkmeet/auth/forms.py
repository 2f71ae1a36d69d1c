from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
