"""``import``, ``export`` and ``load-demo``: the conference JSON."""

import json

from factories import COPY_UID
from factories import build_doc
from factories import demo_data
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.cli import exchange as cli_exchange
from silkmeet.exchange.exports import ChangedDuringExport
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person


def counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Conference, Person, Participation, AgendaItem)
        )


def test_load_demo_then_export_import_export_is_identical(app, runner, tmp_path):
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    first = runner.invoke(args=["export", "silk-cities-2020"])
    assert first.exit_code == 0
    data = json.loads(first.output)
    assert data["conference"]["title"].startswith("Video Conference")

    # Import under another slug (and, as another meeting, another uid), export
    # again: identical but for the slug and the uid.
    uid = data["conference"]["uid"]
    data["conference"]["slug"] = "copy"
    data["conference"]["uid"] = COPY_UID
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    second = runner.invoke(args=["export", "copy"])
    assert second.output == first.output.replace(
        '"slug": "silk-cities-2020"', '"slug": "copy"'
    ).replace(f'"uid": "{uid}"', f'"uid": "{COPY_UID}"')


def test_load_demo_twice_is_harmless(app, runner):
    runner.invoke(args=["load-demo"])
    before = counts(app)
    result = runner.invoke(args=["load-demo", "--if-empty"])
    assert result.exit_code == 0
    assert counts(app) == before


def test_export_with_tokens_restores_links(app, runner, tmp_path):
    runner.invoke(args=["load-demo"])
    with app.app_context():
        tokens = set(db.session.scalars(select(Participation.token)))
    out = tmp_path / "backup"
    result = runner.invoke(args=["export", "--all", "--with-tokens", "--out", str(out)])
    assert result.exit_code == 0, result.output
    backup = (out / "silk-cities-2020.json").read_text(encoding="utf-8")
    assert {p["token"] for p in json.loads(backup)["participants"]} == tokens
    # Restore into an emptied database: the same document comes back out.
    with app.app_context():
        db.drop_all()
        db.create_all()
    assert (
        runner.invoke(args=["import", str(out / "silk-cities-2020.json")]).exit_code
        == 0
    )
    again = runner.invoke(args=["export", "silk-cities-2020", "--with-tokens"])
    assert again.output == backup


def test_duplicate_slug_is_refused_and_nothing_written(app, runner, tmp_path):
    runner.invoke(args=["load-demo"])
    before = counts(app)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_data()), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "conference.slug: a conference with slug 'silk-cities-2020' already" in (
        result.output
    )
    assert counts(app) == before


def test_bad_file_exits_non_zero_with_one_line(app, runner, tmp_path):
    data = build_doc(speakers=[("Ana", "BR", "Europe/Lyon")])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert (
        "participants[0].person.timezone: unknown time zone 'Europe/Lyon'" in lines[0]
    )
    assert counts(app) == (0, 0, 0, 0)


def test_truncated_file_is_refused(app, runner, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(demo_data())[:500], encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert counts(app) == (0, 0, 0, 0)


def test_failure_during_import_leaves_nothing(app, runner, tmp_path, monkeypatch):
    """A fault after the first rows were added rolls the whole import back."""
    from silkmeet.exchange import operations

    original = operations.AgendaItemSpeaker

    def exploding(**kwargs):
        if kwargs["participation"].person.full_name == "Dilnoza Karimova":
            raise RuntimeError("disk on fire")
        return original(**kwargs)

    monkeypatch.setattr(operations, "AgendaItemSpeaker", exploding)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_data()), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    with app.app_context():
        db.session.rollback()
    assert counts(app) == (0, 0, 0, 0)


def test_missing_file(runner):
    result = runner.invoke(args=["import", "/nonexistent/x.json"])
    assert result.exit_code == 1
    assert "No such file" in result.output


def test_export_unknown_slug(runner):
    result = runner.invoke(args=["export", "nope"])
    assert result.exit_code == 1
    assert "no conference with slug 'nope'" in result.output


def changed_after(text: str):
    """An ``export_chunks`` that writes ``text``, then finds the conference
    changed (as a person given a new organisation mid-export would)."""

    def export_chunks(conference, include_tokens=False):
        yield text
        raise ChangedDuringExport(conference.slug)

    return export_chunks


def test_a_conference_changed_during_export_is_one_line(runner, demo, monkeypatch):
    monkeypatch.setattr(cli_exchange, "export_chunks", changed_after("{"))
    result = runner.invoke(args=["export", "silk-cities-2020"])
    assert result.exit_code == 1
    assert "changed while it was exported; export it again" in result.output


def test_a_failed_export_leaves_the_earlier_file_whole(
    runner, demo, monkeypatch, tmp_path
):
    target = tmp_path / "backup.json"
    result = runner.invoke(args=["export", "silk-cities-2020", "--out", str(target)])
    assert result.exit_code == 0
    good = target.read_bytes()
    assert len(good) > 5000

    monkeypatch.setattr(
        cli_exchange, "export_chunks", changed_after(good.decode()[:5000])
    )
    result = runner.invoke(args=["export", "silk-cities-2020", "--out", str(target)])
    assert result.exit_code == 1
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]
