"""A backup (``export --all --with-tokens``) restored into an empty database
keeps everything a link or a calendar depends on."""

from __future__ import annotations

import json

import icalendar
from sqlalchemy import select

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
