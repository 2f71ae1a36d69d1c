"""Answers: given on the personal page or recorded by an organiser, listed,
counted per country and role, filtered and exported; and the reminder settings
of the conference form."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.organiser import operations as organiser_ops

SLUG = "silk-cities-2020"
ANSWERS = f"/organiser/c/{SLUG}/answers"


def participation_of(app, full_name: str) -> Participation:
    with app.app_context():
        found = db.session.scalar(
            select(Participation)
            .join(Person)
            .where(
                Person.full_name == full_name, Participation.conference_id.is_not(None)
            )
        )
        db.session.expunge(found)
        return found


def page_url(app, full_name: str) -> str:
    return f"/c/{SLUG}/me/{participation_of(app, full_name).token}"


def content_version(app, conference_id: int) -> int:
    with app.app_context():
        return db.session.get(Conference, conference_id).content_version


def flat(html: str) -> str:
    """The page without the whitespace between tags."""
    return re.sub(r">\s+<", "><", html)


def answer(client, url: str, value: str, comment: str = ""):
    return client.post(url, data={"answer": value, "comment": comment})


# -- the personal page ---------------------------------------------------------------


def test_a_participant_answers_and_changes_their_answer(
    app, client, demo, english_readers
):
    url = page_url(app, "张国强")
    with client.get(url) as page:
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Will you join?" in text
        assert "Please tell the organisers whether you will take part." in text
        for button in ("Accept", "Tentative", "Decline"):
            assert f">{button}</button>" in text
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "private, no-store"
    version = content_version(app, demo)

    response = answer(client, url, "accepted", "  I join from the Lyon office \n")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == f"{url}#answer"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "private, no-store"
    stored = participation_of(app, "张国强")
    assert (stored.rsvp, stored.rsvp_comment, stored.rsvp_source) == (
        "accepted",
        "I join from the Lyon office",
        "personal page",
    )
    first_time = stored.rsvp_at
    assert first_time is not None
    # Bookkeeping: no public page of the conference is thrown out of the caches.
    assert content_version(app, demo) == version

    with client.get(url) as page:
        text = page.get_data(as_text=True)
    assert "Thank you: your answer is recorded." in text
    assert 'Your answer: <span class="answer answer-accepted">Accepted</span>' in text
    assert "<blockquote>I join from the Lyon office</blockquote>" in text
    assert "You can change your answer at any time." in text
    # The time is the participant's own (Shanghai).
    assert "CST" in re.search(r"current-answer.*?</p>", text, re.S).group(0)
    assert 'value="accepted" class="primary" aria-pressed="true"' in text

    for value in ("tentative", "declined"):
        assert answer(client, url, value).status_code in (302, 303)
        stored = participation_of(app, "张国强")
        assert (stored.rsvp, stored.rsvp_comment) == (value, "")
        assert stored.rsvp_at >= first_time
    with client.get(url) as page:
        text = page.get_data(as_text=True)
    assert "answer-declined" in text
    assert 'value="declined" class="primary" aria-pressed="true"' in text
    assert 'value="accepted" aria-pressed="false"' in text
    assert content_version(app, demo) == version


def test_the_page_refuses_what_is_not_an_answer(app, client, demo, english_readers):
    url = page_url(app, "Ana Paula Souza")
    long = "x" * 1001
    with answer(client, url, "accepted", long) as response:
        assert response.status_code == 400
        text = response.get_data(as_text=True)
    assert "Keep the comment to 1000 characters (it has 1001)." in text
    assert long in text  # what was typed is kept
    assert "Agenda in your time" in text  # the whole page, with the error
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for value in ("needs-action", "maybe", ""):
        with answer(client, url, value) as response:
            assert response.status_code == 400
    assert participation_of(app, "Ana Paula Souza").rsvp == "needs-action"


def test_a_removed_participant_cannot_answer(app, client, demo):
    url = page_url(app, "Carmen Ortega")
    with app.app_context():
        organiser_ops.remove_participant(
            db.session.get(Participation, participation_of(app, "Carmen Ortega").id)
        )
        db.session.commit()
    with client.get(url) as response:
        assert response.status_code == 404
    with answer(client, url, "accepted") as response:
        assert response.status_code == 404
    assert participation_of(app, "Carmen Ortega").rsvp == "needs-action"


def test_a_cancelled_conference_takes_no_answer(app, client, demo, english_readers):
    url = page_url(app, "Carmen Ortega")
    with app.app_context():
        db.session.get(Conference, demo).status = "cancelled"
        db.session.commit()
    with client.get(url) as page:
        text = page.get_data(as_text=True)
    assert "there is nothing to answer" in text
    assert 'name="answer"' not in text
    response = answer(client, url, "accepted")
    assert response.status_code in (302, 303)
    with client.get(url) as page:
        assert "This conference is cancelled: there is nothing to answer." in (
            page.get_data(as_text=True)
        )
    assert participation_of(app, "Carmen Ortega").rsvp == "needs-action"


def test_an_answer_needs_the_pages_csrf_token(app, client, demo):
    app.config["WTF_CSRF_ENABLED"] = True
    url = page_url(app, "Giulia Bernasconi")
    with answer(client, url, "tentative") as response:
        assert response.status_code == 400
    assert participation_of(app, "Giulia Bernasconi").rsvp == "needs-action"
    with client.get(url) as page:
        form = re.search(r'<form method="post"[^>]*#answer".*?</form>', page.text, re.S)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form[0])
    response = client.post(
        url,
        data={"answer": "tentative", "comment": "", "csrf_token": token[1]},
    )
    assert response.status_code in (302, 303)
    assert participation_of(app, "Giulia Bernasconi").rsvp == "tentative"


# -- the organisers' page -----------------------------------------------------------


@pytest.fixture
def answered(app, client, auth, demo):
    """Four answers on the demo conference, three from personal pages and one
    taken by phone; the organiser logged in."""
    for name, value, comment in (
        ("张国强", "accepted", ""),
        ("向锋", "declined", '=HYPERLINK("http://evil.example")'),
        ("Valérie De Rosa", "accepted", "Présente à Lyon"),
    ):
        assert answer(client, page_url(app, name), value, comment).status_code in (
            302,
            303,
        )
    auth.login_as(conferences=[demo])
    xavier = participation_of(app, "Xavier Lepingle").id
    response = client.post(
        f"{ANSWERS}/{xavier}", data={"answer": "tentative", "comment": "by phone"}
    )
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == f"{ANSWERS}#p{xavier}"
    return demo


def test_the_answers_page_counts_per_country_and_role(app, client, answered):
    with client.get(ANSWERS) as response:
        assert response.status_code == 200
        page = flat(response.get_data(as_text=True))

    def row(name, *counts):
        cells = "".join(f'<td class="num">{n}</td>' for n in counts)
        return f'<th scope="row">{name}</th>{cells}'

    # accepted, tentative, declined, no answer, total
    assert row("China", 1, 0, 1, 0, 2) in page
    assert row("France", 1, 1, 0, 7, 9) in page
    assert row("Japan", 0, 0, 0, 1, 1) in page
    assert row("Speaker", 2, 0, 1, 8, 11) in page
    assert row("Chair", 0, 1, 0, 0, 1) in page
    assert row("Interpreter", 0, 0, 0, 1, 1) in page
    assert page.count(row("All", 2, 1, 1, 13, 17)) == 2
    assert "17 participants · 2 accepted · 1 tentative · 1 declined · 13 no answer" in (
        page
    )
    # Each person: name and Latin form, country, role, answer, comment, source.
    zhang = re.search(
        r'<tr id="p\d+"><th scope="row"><bdi class="person-name">张国强</bdi>.*?</tr>',
        page,
    ).group(0)
    assert '<span class="latin-name">(<bdi>Zhang Guoqiang</bdi>)</span>' in zhang
    assert "<td>China</td><td>Speaker</td>" in zhang
    assert '<span class="answer answer-accepted">Accepted</span>' in zhang
    assert "<td>Personal page</td>" in zhang
    xavier = re.search(
        r'<th scope="row"><bdi class="person-name">Xavier Lepingle.*?</tr>', page
    ).group(0)
    assert "<td>Organiser</td>" in xavier and "by phone" in xavier
    assert "CET" in xavier  # the conference's zone
    # Where calendar replies go.
    assert "silkmeet does not read it" in page


def test_the_answers_page_filters_by_answer(app, client, answered):
    with client.get(f"{ANSWERS}?answer=accepted") as response:
        page = response.get_data(as_text=True)
    assert "2 people: accepted" in page
    assert "张国强" in page and "Valérie De Rosa" in page
    assert "向锋" not in page.split('<table class="answers">')[1]
    with client.get(f"{ANSWERS}?answer=needs-action") as response:
        page = response.get_data(as_text=True)
    assert "13 people: no answer" in page
    assert "佐藤 美咲" in page
    with client.get(f"{ANSWERS}?answer=maybe") as response:
        assert response.status_code == 400


def test_an_organiser_records_and_clears_an_answer(app, client, answered):
    xavier = participation_of(app, "Xavier Lepingle")
    assert (xavier.rsvp, xavier.rsvp_source, xavier.rsvp_comment) == (
        "tentative",
        "organiser",
        "by phone",
    )
    # The filter is kept.
    response = client.post(
        f"{ANSWERS}/{xavier.id}?answer=tentative",
        data={"answer": "needs-action", "comment": "ignored"},
    )
    assert response.headers["Location"] == f"{ANSWERS}?answer=tentative#p{xavier.id}"
    cleared = participation_of(app, "Xavier Lepingle")
    assert (cleared.rsvp, cleared.rsvp_comment, cleared.rsvp_at) == (
        "needs-action",
        "",
        None,
    )
    assert cleared.rsvp_source is None
    # The participant's own answer is overwritten by what the organiser hears.
    zhang = participation_of(app, "张国强")
    client.post(f"{ANSWERS}/{zhang.id}", data={"answer": "declined", "comment": ""})
    assert participation_of(app, "张国强").rsvp_source == "organiser"


def test_a_bad_recorded_answer_shows_the_page_with_its_error(app, client, answered):
    zhang = participation_of(app, "张国强")
    with client.post(
        f"{ANSWERS}/{zhang.id}", data={"answer": "accepted", "comment": "x" * 1200}
    ) as response:
        assert response.status_code == 400
        page = response.get_data(as_text=True)
    assert "Keep the comment to 1000 characters (it has 1200)." in page
    assert re.search(rf'<tr id="p{zhang.id}">.*?<details open>', page, re.S)
    with client.post(f"{ANSWERS}/{zhang.id}", data={"answer": "maybe"}) as response:
        assert response.status_code == 400
    assert participation_of(app, "张国强").rsvp_comment == ""


def test_only_current_participants_of_this_conference_get_an_answer(
    app, client, answered, make_conference
):
    other = make_conference(slug="other", speakers=[("Ada", "GB", "Europe/London")])
    with app.app_context():
        ada = db.session.scalar(
            select(Participation.id).where(Participation.conference_id == other)
        )
        organiser_ops.remove_participant(
            db.session.get(Participation, participation_of(app, "Li Na").id)
        )
        db.session.commit()
    li_na = participation_of(app, "Li Na").id
    for participation_id in (ada, li_na, 999999):
        with client.post(
            f"{ANSWERS}/{participation_id}", data={"answer": "accepted"}
        ) as response:
            assert response.status_code == 404
    with client.get(ANSWERS) as response:
        page = response.get_data(as_text=True)
    assert "Li Na" not in page  # removed: not counted either
    assert "16 participants" in page


def test_the_answers_csv(app, client, answered):
    with client.get(f"{ANSWERS}.csv") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert (
            'filename="silk-cities-2020-answers.csv"'
            in (response.headers["Content-Disposition"])
        )
        body = response.get_data(as_text=True)
    assert body.startswith("\ufeffname,latin_name,country,role,email,answer,")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert len(rows) == 17
    assert rows["张国强"]["latin_name"] == "Zhang Guoqiang"
    assert rows["张国强"]["answer"] == "accepted"
    assert rows["张国强"]["source"] == "personal page"
    assert rows["张国强"]["answered_at_utc"].endswith("Z")
    assert rows["Xavier Lepingle"]["source"] == "organiser"
    assert rows["佐藤 美咲"]["answer"] == "needs-action"
    assert rows["佐藤 美咲"]["answered_at_utc"] == ""
    # A comment a spreadsheet would run is written as text.
    assert rows["向锋"]["comment"] == '\'=HYPERLINK("http://evil.example")'


def test_the_answers_page_is_for_this_conferences_organisers(
    app, client, auth, demo, make_conference
):
    xavier = participation_of(app, "Xavier Lepingle").id
    urls = [
        ("get", ANSWERS),
        ("get", f"{ANSWERS}.csv"),
        ("post", f"{ANSWERS}/{xavier}"),
        ("post", f"{ANSWERS}/nudge"),
    ]
    for method, url in urls:
        with getattr(client, method)(url, data={"answer": "accepted"}) as response:
            assert response.status_code in (302, 303)
            assert "/auth/login" in response.headers["Location"]
    mine = make_conference(slug="mine")
    auth.login_as("other@example.org", conferences=[mine])
    for method, url in urls:
        with getattr(client, method)(url, data={"answer": "accepted"}) as response:
            assert response.status_code == 403
            assert "Lepingle" not in response.get_data(as_text=True)
    with client.get("/organiser/c/nope/answers") as response:
        assert response.status_code == 404
    assert participation_of(app, "Xavier Lepingle").rsvp == "needs-action"
    with client.get("/organiser/c/mine/answers") as response:
        assert response.status_code == 200
        assert 'aria-current="page">Answers</a>' in response.get_data(as_text=True)


def test_the_answers_page_reads_a_fixed_number_of_statements(
    app, client, auth, make_conference, sql_statements
):
    sizes = {"small": 3, "large": 60}
    ids = []
    for slug, people in sizes.items():
        # A zone of each person's country: the import checks it.
        places = (
            ("FR", "Europe/Paris"),
            ("JP", "Asia/Tokyo"),
            ("BR", "America/Recife"),
        )
        speakers = [(f"P{n}", *places[n % 3]) for n in range(people)]
        ids.append(make_conference(slug=slug, speakers=speakers, item_minutes=1))
    auth.login_as(conferences=ids)
    counts = []
    for slug, people in sizes.items():
        with sql_statements() as seen:
            with client.get(f"/organiser/c/{slug}/answers") as response:
                assert f"{people} participants" in response.get_data(as_text=True)
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_a_nudge_needs_a_start_to_come(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    response = client.post(f"{ANSWERS}/nudge")
    assert response.headers["Location"] == ANSWERS
    with client.get(ANSWERS) as page:
        assert "Nudges need a start that is still to come." in page.text


# -- reminder settings on the conference form ----------------------------------------


def conference_form(client, **changes) -> dict:
    """The edit form's current values, with ``changes``."""
    with client.get(f"/organiser/c/{SLUG}/edit") as page:
        html = page.get_data(as_text=True)
    values = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    for name in ("timezone", "status"):
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
        chosen = re.search(r"<option[^>]*\bselected\b[^>]*>", select_html[0])[0]
        values[name] = re.search(r'value="([^"]*)"', chosen)[1]
    values.pop("csrf_token", None)
    return {**values, **changes}


def test_reminder_settings_are_saved_and_checked(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    data = conference_form(client)
    assert (data["reminder_offsets"], data["nudge_offset"]) == ("1d, 1h", "3d")
    version = content_version(app, demo)
    response = client.post(
        f"/organiser/c/{SLUG}/edit",
        data={**data, "reminder_offsets": "2h, 2 days, 30m", "nudge_offset": ""},
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    with app.app_context():
        conference = db.session.get(Conference, demo)
        assert conference.reminder_offsets == [2880, 120, 30]
        assert conference.nudge_offset is None
    # When reminders go is not what the agenda shows.
    assert content_version(app, demo) == version
    assert conference_form(client)["reminder_offsets"] == "2d, 2h, 30m"

    for offsets, nudge, says in (
        ("1d, soon", "3d", "“soon” is not a time before the start"),
        ("31d", "3d", "31d is out of range"),
        ("1d, 12h, 6h, 3h, 1h, 5m", "3d", "At most 5 reminders."),
        ("1d", "0", "0 is out of range"),
    ):
        with client.post(
            f"/organiser/c/{SLUG}/edit",
            data={**data, "reminder_offsets": offsets, "nudge_offset": nudge},
        ) as response:
            assert response.status_code == 400
            page = response.get_data(as_text=True)
        assert says in page
        assert f'value="{offsets}"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.get(Conference, demo).reminder_offsets == [2880, 120, 30]
