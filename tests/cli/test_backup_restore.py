"""A backup (``export --all --with-tokens``) restored into an empty database
keeps everything a link or a calendar depends on."""

from __future__ import annotations

import json
import re
from html import unescape

import icalendar
import pytest
from sqlalchemy import select

from silkmeet.domain import reminders
from silkmeet.domain.answers import FROM_PAGE
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person

SLUG = "silk-cities-2020"
RENAMED = "silk-cities-replay"


def fetch(client, url: str, status: int = 200) -> bytes:
    with client.get(url) as response:
        assert response.status_code == status, (url, response.status_code)
        return response.get_data()


def vevents(data: bytes) -> tuple[str, list[tuple[str, int, str]]]:
    calendar = icalendar.Calendar.from_ical(data)
    return str(calendar.get("METHOD", "")), [
        (str(e["UID"]), int(e["SEQUENCE"]), str(e.get("STATUS", "")))
        for e in calendar.walk("VEVENT")
    ]


def participation_of(app, name: str) -> tuple[int, str]:
    with app.app_context():
        p = db.session.scalar(
            select(Participation).join(Person).where(Person.full_name == name)
        )
        return p.id, p.token


def test_a_restored_backup_keeps_share_links_renames_and_cancellations(
    app, client, auth, runner, demo, tmp_path
):
    auth.login_as(conferences=[demo])
    # A link-only agenda, a renamed conference, and a speaker removed by an
    # organiser (her link then serves the cancellation of the meeting and of
    # her slot).
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.agenda_visibility = "link"
        key = conference.agenda_share_token
        db.session.commit()
    removed_id, removed_token = participation_of(app, "Carmen Ortega")
    _, kept_token = participation_of(app, "Claire Fabre")
    response = client.post(f"/organiser/c/{SLUG}/people/{removed_id}/remove")
    assert response.status_code in (302, 303)
    with app.app_context():
        db.session.get(Conference, demo).slug = RENAMED
        db.session.commit()
    auth.logout()

    def observe(c):
        return {
            "share agenda": fetch(c, f"/c/{RENAMED}/agenda/{key}").count(b"<tr"),
            "share calendar": vevents(fetch(c, f"/c/{RENAMED}/calendar.ics?key={key}")),
            "cancel": vevents(fetch(c, f"/c/{RENAMED}/invites/{removed_token}.ics")),
            "feed of the removed": vevents(
                fetch(c, f"/c/{RENAMED}/feed/{removed_token}.ics")
            ),
            "invite": vevents(fetch(c, f"/c/{RENAMED}/invites/{kept_token}.ics")),
        }

    before = observe(client)
    method, cancelled = before["cancel"]
    assert method == "CANCEL" and len(cancelled) == 2  # the meeting and her slot
    assert all(status == "CANCELLED" for _uid, _seq, status in cancelled)

    out = tmp_path / "backup"
    result = runner.invoke(args=["export", "--all", "--with-tokens", "--out", str(out)])
    assert result.exit_code == 0, result.output
    backup = (out / f"{RENAMED}.json").read_text(encoding="utf-8")

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    result = runner.invoke(args=["import", str(out / f"{RENAMED}.json")])
    assert result.exit_code == 0, result.output

    after = observe(app.test_client())
    assert after["share agenda"] == before["share agenda"] > 0
    for name in ("share calendar", "cancel", "feed of the removed", "invite"):
        (old_method, old_events), (new_method, new_events) = before[name], after[name]
        assert new_method == old_method, name
        assert [(u, s) for u, _q, s in new_events] == [
            (u, s) for u, _q, s in old_events
        ], name
        assert all(
            new[1] >= old[1] for old, new in zip(old_events, new_events, strict=True)
        ), name
    # The old slug still leads there, and the restored database backs up the same.
    location = app.test_client().get(f"/c/{SLUG}/invites/{removed_token}.ics")
    assert location.status_code == 301
    assert location.headers["Location"] == f"/c/{RENAMED}/invites/{removed_token}.ics"
    location.close()
    again = runner.invoke(args=["export", RENAMED, "--with-tokens"])
    assert again.output == backup


def test_an_export_without_tokens_keeps_secrets_and_the_removed_out(app, runner, demo):
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.agenda_visibility = "link"
        conference.slug = RENAMED
        db.session.commit()
    removed_id, _token = participation_of(app, "Carmen Ortega")
    with app.app_context():
        from silkmeet.organiser.operations import remove_participant

        remove_participant(db.session.get(Participation, removed_id))
        db.session.commit()
        share = db.session.get(Conference, demo).agenda_share_token

    plain = runner.invoke(args=["export", RENAMED])
    assert plain.exit_code == 0
    data = json.loads(plain.output)
    assert set(data["conference"]) >= {"uid", "slug"}
    assert "agenda_share_token" not in data["conference"]
    assert "former_slugs" not in data["conference"]
    assert share not in plain.output
    assert all("token" not in p and "removed_at" not in p for p in data["participants"])
    assert "Carmen Ortega" not in plain.output

    backup = json.loads(runner.invoke(args=["export", RENAMED, "--with-tokens"]).output)
    assert backup["conference"]["agenda_share_token"] == share
    assert backup["conference"]["former_slugs"] == [SLUG]
    removed = [p for p in backup["participants"] if "removed_at" in p]
    assert [p["person"]["full_name"] for p in removed] == ["Carmen Ortega"]
    assert removed[0]["cancelled_slots"][0]["title"]
    assert len(backup["participants"]) == len(data["participants"]) + 1


SENDER = "Silk desk <desk@silk.example>"
REPLY_TO = "Organisers <team@silk.example>"


def test_a_restored_backup_keeps_the_mail_settings_and_the_answers(
    app, client, auth, runner, demo, tmp_path
):
    """Settings through the edit form, answers through the personal page and
    the organiser's form; the backup restored into an empty database backs up
    byte for byte the same."""
    auth.login_as(conferences=[demo])
    with client.get(f"/organiser/c/{SLUG}/edit") as page:
        html = page.get_data(as_text=True)
    form = {
        name: unescape(value)
        for name, value in re.findall(
            r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html
        )
    }
    for name in ("timezone", "status"):
        chosen = re.search(
            rf'<select[^>]*name="{name}".*?<option[^>]*\bselected\b[^>]*value="([^"]*)"',
            html,
            re.S,
        )
        form[name] = chosen[1]
    form.pop("csrf_token", None)
    form.update(
        reminder_offsets="2d, 90m",
        nudge_offset="5d",
        mail_from=SENDER,
        mail_reply_to=REPLY_TO,
    )
    response = client.post(f"/organiser/c/{SLUG}/edit", data=form)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    _, claire_token = participation_of(app, "Claire Fabre")
    carmen_id, _ = participation_of(app, "Carmen Ortega")
    response = client.post(
        f"/c/{SLUG}/me/{claire_token}",
        data={"answer": "tentative", "comment": "Depuis le train, « si possible »"},
    )
    assert response.status_code in (302, 303)
    response = client.post(
        f"/organiser/c/{SLUG}/answers/{carmen_id}",
        data={"answer": "declined", "comment": "said so by phone"},
    )
    assert response.status_code in (302, 303)

    backup = runner.invoke(args=["export", SLUG, "--with-tokens"])
    assert backup.exit_code == 0, backup.output
    data = json.loads(backup.output)
    assert {k: data["conference"][k] for k in SETTINGS} == {
        "mail_from": SENDER,
        "mail_reply_to": REPLY_TO,
        "reminder_offsets": [2880, 90],
        "nudge_offset": 7200,
    }
    answers = {
        p["person"]["full_name"]: (p["rsvp"], p["rsvp_comment"], p["rsvp_source"])
        for p in data["participants"]
        if "rsvp" in p
    }
    assert answers == {
        "Claire Fabre": ("tentative", "Depuis le train, « si possible »", FROM_PAGE),
        "Carmen Ortega": ("declined", "said so by phone", "organiser"),
    }
    # A plain export has the settings (they are no secret), not the answers.
    plain = json.loads(runner.invoke(args=["export", SLUG]).output)
    assert {k: plain["conference"][k] for k in SETTINGS} == {
        k: data["conference"][k] for k in SETTINGS
    }
    assert not any(k.startswith("rsvp") for p in plain["participants"] for k in p)

    restore(app, runner, tmp_path, backup.output)
    again = runner.invoke(args=["export", SLUG, "--with-tokens"])
    assert again.output == backup.output
    with app.app_context():
        restored = db.session.scalar(select(Conference))
        assert (restored.mail_from, restored.reminder_offsets) == (SENDER, [2880, 90])
        claire = db.session.scalar(
            select(Participation).where(Participation.token == claire_token)
        )
        assert claire.rsvp_at is not None and claire.rsvp == "tentative"


SETTINGS = ("mail_from", "mail_reply_to", "reminder_offsets", "nudge_offset")


def restore(app, runner, tmp_path, text: str) -> None:
    """``flask import`` of ``text`` into an empty database."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    path = tmp_path / "restore.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


def test_a_document_without_the_settings_imports_with_the_defaults(
    app, runner, demo, tmp_path
):
    plain = json.loads(runner.invoke(args=["export", SLUG, "--with-tokens"]).output)
    for key in SETTINGS:
        del plain["conference"][key]
    restore(app, runner, tmp_path, json.dumps(plain))
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        assert conference.mail_from is None and conference.mail_reply_to is None
        assert conference.reminder_offsets == list(reminders.DEFAULT_REMINDER_OFFSETS)
        assert conference.nudge_offset == reminders.DEFAULT_NUDGE_OFFSET
        assert {p.rsvp for p in conference.participations} == {"needs-action"}


def test_no_reminder_and_no_nudge_stay_none_through_a_restore(
    app, runner, demo, tmp_path
):
    """An empty list and null are "none", not "the defaults"."""
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.reminder_offsets = []
        conference.nudge_offset = None
        db.session.commit()
    backup = runner.invoke(args=["export", SLUG, "--with-tokens"]).output
    data = json.loads(backup)["conference"]
    assert (data["reminder_offsets"], data["nudge_offset"]) == ([], None)
    restore(app, runner, tmp_path, backup)
    with app.app_context():
        restored = db.session.scalar(select(Conference))
        assert (restored.reminder_offsets, restored.nudge_offset) == ([], None)
    assert runner.invoke(args=["export", SLUG, "--with-tokens"]).output == backup


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        (("conference", "mail_from"), "desk@a.example, b@a.example", "not one mailbox"),
        (("conference", "nudge_offset"), -5, "-5m is out of range: from 1 minute"),
        (("conference", "reminder_offsets"), [60, -1440], "-1d is out of range"),
        (("participants", 0, "rsvp"), "maybe", "'maybe' is not an answer."),
    ],
)
def test_a_refused_setting_or_answer_stops_the_import_with_one_line(
    app, runner, demo, tmp_path, where, value, says
):
    data = json.loads(runner.invoke(args=["export", SLUG, "--with-tokens"]).output)
    target = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    path = tmp_path / "refused.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    field = ".".join(map(str, where)).replace(".0.", "[0].")
    [line] = result.output.strip().splitlines()
    assert f"{field}: {says}" in line, line
