"""Every command that fails says what is wrong in one line and exits 1: never a
traceback, whatever the input (a security finding: files nested or numbered to
break the parser, dates past the calendar's end)."""

import json
import sys
from datetime import UTC
from datetime import datetime

import pytest
from factories import build_doc
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference

# 18:00 in Paris on the last day there is: the first hour of the meeting ends
# in year 10000, which no datetime holds. No way in takes such a date any more
# (``fields.FIRST_DAY``..``LAST_DAY``); a row written before that rule still can.
LAST_DAY = datetime(9999, 12, 31, 17, tzinfo=UTC)


def one_line_failure(result) -> str:
    """The failure's only line; the exit status is 1 and no exception escaped."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


def conferences(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Conference))


def test_deeply_nested_json_is_refused_in_one_line(app, runner, tmp_path):
    path = tmp_path / "deep.json"
    depth = sys.getrecursionlimit() * 2
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    line = one_line_failure(runner.invoke(args=["import", str(path)]))
    assert f"{path}: not valid JSON: nested too deeply" in line
    assert conferences(app) == 0


def test_a_number_with_thousands_of_digits_is_refused_in_one_line(
    app, runner, tmp_path
):
    text = json.dumps(build_doc(duration=60)).replace(
        '"duration_minutes": 60', '"duration_minutes": ' + "7" * 5000
    )
    path = tmp_path / "long.json"
    path.write_text(text, encoding="utf-8")
    line = one_line_failure(runner.invoke(args=["import", str(path)]))
    assert f"{path}: not valid JSON: a number has more than" in line
    assert "digits" in line
    assert conferences(app) == 0


@pytest.mark.parametrize(
    "args",
    [["schedule", "last-day", "--json"], ["invites", "last-day", "--out", "{tmp}"]],
)
def test_a_meeting_past_the_last_date_fails_in_one_line(
    app, runner, make_conference, tmp_path, args
):
    conference_id = make_conference(
        slug="last-day",
        timezone="Europe/Paris",
        speakers=[("Ana", "BR", "America/Sao_Paulo"), ("Aiko", "JP", "Asia/Tokyo")],
    )
    with app.app_context():
        db.session.get(Conference, conference_id).start_at = LAST_DAY
        db.session.commit()
    args = [a.format(tmp=tmp_path / "invites") for a in args]
    line = one_line_failure(runner.invoke(args=args))
    assert "out of range" in line


def test_the_database_refusing_a_change_is_one_line(app, runner, tmp_path):
    """Another import of the same slug commits between this one's check and its
    insert: the slug's unique constraint refuses the insert."""
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(build_doc(slug="twice")), encoding="utf-8")

    def competitor(session, flush_context, instances):
        if any(isinstance(new, Conference) for new in session.new):
            session.connection().execute(
                insert(Conference).values(
                    slug="twice", title="The other", timezone="UTC", duration_minutes=60
                )
            )

    event.listen(db.session, "before_flush", competitor)
    try:
        line = one_line_failure(runner.invoke(args=["import", str(path)]))
    finally:
        event.remove(db.session, "before_flush", competitor)
    assert "the database refused the change" in line
    assert conferences(app) == 0


def failing_invocations(tmp_path):
    """``(name, args)``: each command given something wrong."""
    missing = str(tmp_path / "missing.json")
    cut = tmp_path / "cut.json"
    cut.write_text('{"format": 1, "conference": {', encoding="utf-8")
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes('{"title": "Z\u00fcrich"}'.encode("latin-1"))
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    return [
        ("import: no such file", ["import", missing]),
        ("import: cut JSON", ["import", str(cut)]),
        ("import: not UTF-8", ["import", str(not_utf8)]),
        ("import: unknown owner", ["import", str(cut), "--owner", "x@example.org"]),
        ("export: nothing asked", ["export"]),
        ("export: unknown slug", ["export", "nope"]),
        ("export --all without --out", ["export", "--all"]),
        ("export --out in a file", ["export", "test-conf", "--out", f"{a_file}/x"]),
        ("schedule: unknown slug", ["schedule", "nope"]),
        ("invites: unknown slug", ["invites", "nope", "--out", str(tmp_path)]),
        ("invites --out in a file", ["invites", "test-conf", "--out", f"{a_file}/x"]),
        ("grant: unknown organiser", ["grant", "x@example.org", "test-conf"]),
        ("create-organiser: bad email", ["create-organiser", "x", "--password", "y"]),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invites", "test-conf"], "Missing option '--out'"),
        (["export", "--bogus"], "No such option '--bogus'"),
        (["grant", "x@example.org"], "Missing argument 'SLUG'"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_status_2(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {message}") and "--help" in lines[0]


def test_every_failure_is_one_line_and_exit_status_1(runner, make_conference, tmp_path):
    make_conference()
    for name, args in failing_invocations(tmp_path):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (name, result.output)
        assert len(result.output.splitlines()) == 1, (name, result.output)
        assert result.output.startswith("Error: "), (name, result.output)


def test_a_database_without_tables_is_one_line(app, runner):
    with app.app_context():
        db.drop_all()
    line = one_line_failure(runner.invoke(args=["export", "test-conf"]))
    assert line.startswith("Error: database: ") and "conference" in line
