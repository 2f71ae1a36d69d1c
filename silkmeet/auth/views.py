from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from silkmeet.auth import operations as ops
from silkmeet.auth.forms import LanguageForm
from silkmeet.auth.forms import LoginForm
from silkmeet.auth.forms import PasswordForm
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import refresh

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host. Without
    one, an organiser lands on their conferences, not the public home page."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not (target.startswith("//") or target.startswith("/\\"))
        ):
            return target
    return url_for("organiser.show_dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        attempt = ops.claim_attempt(form.email.data)
        # Committed before the password is checked: the attempt counts even if
        # this request dies, and no row stays locked during the slow hash.
        db.session.commit()
        try:
            organiser = ops.authenticate(attempt, form.email.data, form.password.data)
        except ops.LoginRefused as exc:
            form.password.errors.append(str(exc))
            status = 401
        else:
            db.session.commit()
            login_user(organiser)
            return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # A new session token: a copy of this session's cookie opens nothing now
    # (nor do the account's other sessions).
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    language_form = LanguageForm(prefix="lang")
    if request.method == "GET":
        language_form.language.data = current_user.language or ""
    status = 200
    if form.validate_on_submit():
        organiser = current_user._get_current_object()
        attempt = ops.claim_attempt(organiser.email)
        db.session.commit()  # as at login: counted before the check
        try:
            ops.change_password(
                organiser, attempt, form.current_password.data, form.new_password.data
            )
        except ops.LoginRefused as exc:
            form.current_password.errors.append(str(exc))
            status = 401
        except ops.AccountError as exc:
            field = {"password": form.new_password}.get(exc.field)
            (field or form.current_password).errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            login_user(organiser)  # this session goes on under the new token
            flash(_("Password changed. Every other session of this account has ended."))
            return redirect(url_for("organiser.show_dashboard"))
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "auth/password.html",
            form=form,
            language_form=language_form,
            min_length=ops.MIN_PASSWORD_LENGTH,
        ),
        status,
    )


@bp.post("/language")
@login_required
def set_language():
    """The organiser's language: every page they open after is in it
    (:func:`silkmeet.i18n.select_locale` reads it), unless ``?lang=`` asks."""
    language_form = LanguageForm(prefix="lang")
    if not language_form.validate_on_submit():
        return (
            render_template(
                "auth/password.html",
                form=PasswordForm(formdata=None),
                language_form=language_form,
                min_length=ops.MIN_PASSWORD_LENGTH,
            ),
            400,
        )
    current_user.language = language_form.language.data or None
    db.session.commit()
    refresh()  # the message below is in the language just chosen
    flash(_("Your language is saved."))
    return redirect(url_for("auth.change_password"))
