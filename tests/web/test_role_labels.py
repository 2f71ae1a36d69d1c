"""Roles as people read them (Chair, Co-chair, Co-host; plurals for several),
never the stored values, in pages and flashes; and a refused lineup move that
says so once, with no Undo of an earlier change beside it."""

import io
import re

from sqlalchemy import select

from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation

DEMO = "/organiser/c/silk-cities-2020"


def test_role_labels_and_plurals():
    assert v.role_label(v.PARTICIPANT_ROLES, "co_chair") == "Co-chair"
    assert v.role_label(v.PARTICIPANT_ROLES, "co_chair", 2) == "Co-chairs"
    assert v.role_label(v.HOST_ROLES, "co_host") == "Co-host"
    assert v.by_role(
        v.PARTICIPANT_ROLES, [("co_chair", "B"), ("chair", "A"), ("co_chair", "C")]
    ) == [("Chair", ["A"]), ("Co-chairs", ["B", "C"])]
    # Every role that people see has a plural label.
    for choices in (v.PARTICIPANT_ROLES, v.HOST_ROLES):
        assert set(v.values(choices)) <= set(v.PLURAL_LABELS)


def people_line(page, heading):
    """The names after ``heading``, as read (a person's name is in <bdi>)."""
    found = re.search(rf'<span class="muted">{heading}</span> (.*?)</p>', page)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else None


def test_the_agenda_names_the_chair_and_the_co_chair_as_they_are(client, app, demo):
    page = client.get("/c/silk-cities-2020/agenda").get_data(as_text=True)
    assert people_line(page, "Chair") == "Xavier Lepingle"
    assert people_line(page, "Co-chair") is None
    assert people_line(page, "Hosts") == (
        "Lyon Metropole, City of Lyon, Intersoie France"
    )
    assert people_line(page, "Partner") == "International Silk Union"
    with app.app_context():
        for name in ("Valérie De Rosa", "Claire Fabre"):
            p = db.session.scalar(
                select(Participation)
                .join(Participation.person)
                .where(Participation.person.has(full_name=name))
            )
            p.role = "co_chair"
        db.session.commit()
    page = client.get("/c/silk-cities-2020/agenda").get_data(as_text=True)
    assert people_line(page, "Chair") == "Xavier Lepingle"
    # An accent-stripped Latin copy is not shown (names.latin_shown).
    assert people_line(page, "Co-chairs") == "Valérie De Rosa, Claire Fabre"


def test_a_host_added_is_announced_with_its_role_label(client, auth, demo):
    auth.login_as(conferences=[demo])
    response = client.post(
        f"{DEMO}/hosts",
        data={
            "host-name": "Como Silk Museum",
            "host-country": "IT",
            "host-kind": "association",
            "host-role": "co_host",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Como Silk Museum added as co-host." in page
    assert "added as co_host" not in page


def test_the_csv_preview_shows_role_labels(client, auth, demo):
    auth.login_as(conferences=[demo])
    text = (
        "full_name,country,timezone,role\n"
        "Rui Costa,PT,Europe/Lisbon,host_representative\n"
        "Ada Ng,SG,,co_chair\n"
    )
    page = client.post(
        f"{DEMO}/people/import",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "<td>Host representative</td>" in page
    assert "<td>Co-chair</td>" in page
    assert "host_representative<" not in page and "co_chair<" not in page


def undo_form(page):
    return re.search(r'<form[^>]*id="undo-form"[^>]*>', page).group(0)


def test_a_refused_move_says_so_once_with_no_stale_undo(client, auth, app, demo):
    auth.login_as(conferences=[demo])
    with app.app_context():
        items = {i.title: i.id for i in db.session.scalars(select(AgendaItem))}
        version = db.session.scalar(select(Conference.lineup_version))
    brazil, spain = items["Brazil"], items["Spain"]
    moved = client.post(
        f"{DEMO}/lineup/move",
        data={"item_id": brazil, "action": "down", "lineup_version": version},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "hidden" not in undo_form(moved)  # the move can be undone
    # The first item of its segment cannot go up past the pinned keynote.
    china = items["China: Nanchong, 5,000 years of silk"]
    refused = client.post(
        f"{DEMO}/lineup/move",
        data={"item_id": china, "action": "up", "lineup_version": version + 1},
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    error = re.search(r'id="lineup-error"[^>]*>([^<]+)<', page).group(1)
    assert page.count(error) == 1
    assert "hidden" in undo_form(page)
    assert (
        'id="lineup-status" class="status" role="status" aria-live="polite"></div>'
        in (page)
    )
    # The same with JavaScript: the JSON says no Undo beside the error, and
    # says which one after a move that worked.
    body = client.post(
        f"{DEMO}/lineup/move",
        json={"item_id": china, "action": "up", "lineup_version": version + 1},
    ).get_json()
    assert body["error"] == error and body["undo"] is None
    body = client.post(
        f"{DEMO}/lineup/move",
        json={"item_id": spain, "action": "up", "lineup_version": version + 1},
    ).get_json()
    assert body["undo"] == body["message"] == "“Spain” moved to position 11 of 18."
