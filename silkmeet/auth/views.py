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

from silkmeet.auth.forms import LoginForm
from silkmeet.auth.operations import LoginRefused
from silkmeet.auth.operations import authenticate
from silkmeet.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not (target.startswith("//") or target.startswith("/\\"))
        ):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            organiser = authenticate(form.email.data, form.password.data)
        except LoginRefused as exc:
            db.session.commit()  # keep the failure count
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
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("main.index"))
