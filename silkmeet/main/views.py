from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from silkmeet.extensions import db
from silkmeet.models import Conference

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    conferences = db.session.scalars(
        select(Conference)
        .where(Conference.status != "draft", Conference.agenda_visibility == "public")
        .order_by(Conference.start_at.desc(), Conference.title)
    ).all()
    return render_template("main/index.html", conferences=conferences)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
