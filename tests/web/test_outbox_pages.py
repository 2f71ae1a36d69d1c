"""The organisers' outbox: participants' messages queued with queue_message(),
delivered by the worker (kept locally, or through a real SMTP server), listed,
opened as the recipient sees them, failed and retried; and the mail on the
people pages."""

from __future__ import annotations

import email
import html
from email import policy

import icalendar
import pytest
from mailtest import make_message
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.mail.operations import enqueue
from silkmeet.mail.queueing import queue_message
from silkmeet.mail.transport import LocalTransport
from silkmeet.mail.worker import deliver
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person

SITE = "https://silkmeet.example"
SLUG = "silk-cities-2020"
OUTBOX = f"/organiser/c/{SLUG}/outbox"
YAMADA = "山田 太郎"
# How messages name him: his name and its Latin form.
YAMADA_SHOWN = "山田 太郎 (Yamada Taro)"


def participation_id(full_name: str) -> int:
    return db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )


def rename(app, old: str, new: str, latin: str = "") -> int:
    with app.app_context():
        pid = participation_id(old)
        person = db.session.get(Participation, pid).person
        person.full_name, person.latin_name = new, latin
        db.session.commit()
        return pid


def queue_for(app, *names: str, kind: str = messages.INVITATION) -> list[int]:
    """Queue ``kind`` for each named participant, in a request on the site, and
    commit; the outbox ids."""
    with app.test_request_context(base_url=SITE):
        ids = [
            queue_message(
                personal_row(Participation.id == participation_id(n)), kind
            ).id
            for n in names
        ]
        db.session.commit()
    return ids


def get_row(app, row_id: int) -> OutboxMessage:
    with app.app_context():
        row = db.session.get(OutboxMessage, row_id)
        row.raw  # noqa: B018  (loaded before the row leaves the session)
        db.session.expunge(row)
        return row


def page(client, url: str, status: int = 200) -> str:
    with client.get(url) as response:
        assert response.status_code == status, (url, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def organiser(auth, demo):
    auth.login_as(conferences=[demo])
    return demo


def test_the_local_mailbox_shows_what_the_recipient_would_get(
    app, client, organiser, english_readers, clock
):
    yamada = rename(app, "佐藤 美咲", YAMADA, "Yamada Taro")
    first, second = queue_for(app, YAMADA, "张国强")
    listing = page(client, OUTBOX)
    assert listing.count(">Queued</span>") == 2
    assert "flask mail worker" in listing

    totals = deliver(app, once=True, transport=LocalTransport(), clock=clock)
    assert totals.sent == 2
    row = get_row(app, first)
    assert (row.status, row.transport) == ("sent", "local")

    listing = page(client, OUTBOX)
    assert "No mail server is set" in listing
    assert listing.count(">Sent</span>") == 2
    assert listing.count("<small>kept here</small>") == 2
    assert YAMADA in listing and "misaki.sato@example.org" in listing
    assert html.escape(row.subject, quote=False) in listing
    # Newest first.
    assert listing.index(f"{OUTBOX}/{second}") < listing.index(f"{OUTBOX}/{first}")

    shown = page(client, f"{OUTBOX}/{first}")
    # The stored header carries the name RFC 2047-encoded; the page decodes it.
    assert YAMADA.encode() not in row.raw.split(b"\r\n\r\n")[0]
    assert (
        f'<th scope="row">To</th><td>{YAMADA_SHOWN} &lt;misaki.sato@example.org&gt;'
        in (shown)
    )
    assert '<th scope="row">Subject</th>' in shown
    assert f"Dear {YAMADA_SHOWN}," in shown
    # The calendar, summarised and as text.
    assert '<th scope="row">METHOD</th><td>REQUEST</td>' in shown
    assert f'<th scope="row">UID</th><td>{row.ics_uid}</td>' in shown
    assert f'<th scope="row">SEQUENCE</th><td>{row.ics_sequence}</td>' in shown
    assert "Fri 20 Nov 2020, 14:00 CET (UTC+01:00)" in shown  # DTSTART, Lyon time
    assert f"{YAMADA_SHOWN} &lt;misaki.sato@example.org&gt;" in shown  # ATTENDEE
    assert "PARTSTAT=NEEDS-ACTION" in shown
    assert f"UID:{row.ics_uid}" in shown
    assert f'href="/organiser/c/{SLUG}/people/{yamada}/edit"' in shown
    assert '<iframe class="message-html" sandbox ' in shown

    with client.get(f"{OUTBOX}/{first}.eml") as response:
        assert response.status_code == 200
        assert response.mimetype == "message/rfc822"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.data == row.raw
    with client.get(f"{OUTBOX}/{first}/attachments/1") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        assert 'filename="invite.ics"' in response.headers["Content-Disposition"]
        [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
        assert event["UID"] == row.ics_uid
    page(client, f"{OUTBOX}/{first}/attachments/2", status=404)
    # Removed since: named, not linked to a page that is gone.
    with client.post(f"/organiser/c/{SLUG}/people/{yamada}/remove"):
        pass
    shown = page(client, f"{OUTBOX}/{first}")
    assert f"({YAMADA}, removed)" in shown
    assert f"/people/{yamada}/edit" not in shown


def test_the_html_part_is_served_sandboxed(
    app, client, organiser, english_readers, clock
):
    [row_id] = queue_for(app, "张国强")
    with client.get(f"{OUTBOX}/{row_id}/html") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        csp = [
            part.strip()
            for part in response.headers["Content-Security-Policy"].split(";")
        ]
        assert "sandbox" in csp  # no allow-scripts: nothing in it runs
        assert "default-src 'none'" in csp
        assert "frame-ancestors 'self'" in csp
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "Dear 张国强 (Zhang Guoqiang)," in response.get_data(as_text=True)
    # The page around it keeps the site's policy.
    with client.get(f"{OUTBOX}/{row_id}") as response:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_delivered_through_an_smtp_server(
    mail_app, smtp_server, client, organiser, clock
):
    [row_id] = queue_for(mail_app, "张国强")
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 1
    [received] = smtp_server.received
    listing = page(client, OUTBOX)
    assert "No mail server is set" not in listing
    assert ">Sent</span>" in listing and "<small>kept here" not in listing
    shown = page(client, f"{OUTBOX}/{row_id}")
    assert "by smtp" in shown
    with client.get(f"{OUTBOX}/{row_id}.eml") as response:
        # What the server got is what the outbox keeps.
        assert response.data == received.content
    sent = email.message_from_bytes(received.content, policy=policy.default)
    [calendar] = [p for p in sent.walk() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert f'<th scope="row">UID</th><td>{event["UID"]}</td>' in shown


REJECTED = "550 5.1.1 <misaki.sato@example.org>: Recipient address rejected"


def test_a_failed_message_shows_the_reply_everywhere_and_is_retried(
    mail_app, smtp_server, client, organiser, clock
):
    pid = rename(mail_app, "佐藤 美咲", YAMADA, "Yamada Taro")
    failing, fine = queue_for(mail_app, YAMADA, "张国强")
    smtp_server.reply(REJECTED)
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.failed, totals.sent) == (1, 1)
    assert get_row(mail_app, failing).status == "failed"
    reply = "5.1.1 &lt;misaki.sato@example.org&gt;: Recipient address rejected"

    listing = page(client, OUTBOX)
    assert reply in listing
    assert '<span class="badge bad">1 failed</span>' in listing  # the tab
    assert "Retry failed (1)" in listing
    only_failed = page(client, f"{OUTBOX}?status=failed")
    assert (
        f"{OUTBOX}/{failing}" in only_failed and f"{OUTBOX}/{fine}" not in only_failed
    )
    assert reply in page(client, f"{OUTBOX}/{failing}")
    person = page(client, f"/organiser/c/{SLUG}/people/{pid}/edit")
    assert reply in person and f"{OUTBOX}/{failing}" in person
    people = page(client, f"/organiser/c/{SLUG}/people")
    assert reply in people
    assert people.count('class="row-failed"') == 1
    # Other pages' tabs count the failure too.
    assert '<span class="badge bad">1 failed</span>' in people

    with client.post(f"{OUTBOX}/retry") as response:
        assert response.status_code in (302, 303)
        assert response.headers["Location"].endswith(OUTBOX)
    row = get_row(mail_app, failing)
    assert (row.status, row.attempts) == ("queued", 0)
    listing = page(client, OUTBOX)
    assert "1 failed message queued again." in listing
    assert "Retry failed" not in listing and "badge bad" not in listing
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).sent == 1
    assert get_row(mail_app, failing).status == "sent"
    assert smtp_server.received[-1].rcpt_tos == ["misaki.sato@example.org"]


def test_one_failed_message_is_retried_from_its_page(
    mail_app, smtp_server, client, organiser, clock
):
    failing, other = queue_for(mail_app, "张国强", "Ana Paula Souza")
    smtp_server.reply(REJECTED, times=2)
    deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    with client.post(f"{OUTBOX}/{failing}/retry") as response:
        assert response.headers["Location"].endswith(f"{OUTBOX}/{failing}")
    assert get_row(mail_app, failing).status == "queued"
    assert get_row(mail_app, other).status == "failed"
    # A message that did not fail stays as it is.
    with client.post(f"{OUTBOX}/{failing}/retry", follow_redirects=True) as response:
        assert "Only a failed message can be sent again." in response.get_data(
            as_text=True
        )
    assert get_row(mail_app, failing).status == "queued"


XSS_NAMES = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"]


def test_hostile_names_and_html_never_reach_the_page_unescaped(
    app, client, organiser, english_readers, clock
):
    rename(app, "佐藤 美咲", XSS_NAMES[0])
    rename(app, "张国强", XSS_NAMES[1])
    ids = queue_for(app, *XSS_NAMES)
    with app.app_context():
        # A message whose own HTML carries a script (not one silkmeet builds).
        message = make_message(to="Evil <evil@example.org>")
        message.get_body(("html",)).set_content(
            "<p>hi</p><script>alert(3)</script><img src=x onerror=alert(4)>",
            subtype="html",
        )
        ids.append(enqueue(message, kind="test", conference_id=organiser).id)
        db.session.commit()
    deliver(app, once=True, transport=LocalTransport(), clock=clock)
    hostile = ("<script>alert", "<img src=x onerror")
    urls = [OUTBOX, f"/organiser/c/{SLUG}/people"] + [f"{OUTBOX}/{i}" for i in ids]
    urls += [
        f"/organiser/c/{SLUG}/people/{pid}/edit"
        for pid in [rename(app, name, name) for name in XSS_NAMES]
    ]
    for url in urls:
        text = page(client, url)
        assert not any(bad in text for bad in hostile), url
    shown = page(client, f"{OUTBOX}/{ids[0]}")
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt;," in shown
    # The hand-made HTML is served only under the sandbox policy.
    with client.get(f"{OUTBOX}/{ids[2]}/html") as response:
        assert "<script>alert(3)</script>" in response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"].startswith("sandbox;")
        assert "allow-scripts" not in response.headers["Content-Security-Policy"]


def test_another_conferences_message_is_not_found(
    app, client, auth, demo, make_conference
):
    other = make_conference(slug="other-conf")
    auth.login_as(conferences=[demo])
    with app.app_context():
        theirs = enqueue(make_message(), kind="test", conference_id=other).id
        db.session.commit()
    for suffix in ("", "/html", ".eml", "/attachments/1"):
        page(client, f"{OUTBOX}/{theirs}{suffix}", status=404)
    with client.post(f"{OUTBOX}/{theirs}/retry") as response:
        assert response.status_code == 404
    # Under its own conference: that conference's organisers only.
    page(client, f"/organiser/c/other-conf/outbox/{theirs}", status=403)
    page(client, "/organiser/c/other-conf/outbox", status=403)


def test_anonymous_visitors_go_to_the_login(app, client, demo):
    with app.app_context():
        row_id = enqueue(make_message(), kind="test", conference_id=demo).id
        db.session.commit()
    for url in (OUTBOX, f"{OUTBOX}/{row_id}", f"{OUTBOX}/{row_id}/html"):
        with client.get(url) as response:
            assert response.status_code in (302, 303)
            assert "/auth/login" in response.headers["Location"]
    with client.post(f"{OUTBOX}/retry") as response:
        assert "/auth/login" in response.headers["Location"]


def test_retry_needs_the_csrf_token(app, client, organiser):
    app.config["WTF_CSRF_ENABLED"] = True
    with client.post(f"{OUTBOX}/retry") as response:
        assert response.status_code == 400


def test_filters_and_pages(app, client, organiser):
    with app.app_context():
        for n in range(55):
            enqueue(
                make_message(to=f"p{n}@example.org"),
                kind="test",
                conference_id=organiser,
            )
        enqueue(
            make_message(to="r@example.org"), kind="reminder", conference_id=organiser
        )
        db.session.commit()
    first = page(client, OUTBOX)
    assert "56 messages, page 1 of 2" in first
    assert "r@example.org" in first  # newest first
    assert 'rel="next"' in first
    second = page(client, f"{OUTBOX}?page=2")
    assert "p0@example.org" in second and 'rel="prev"' in second
    reminders = page(client, f"{OUTBOX}?kind=reminder")
    assert "1 message" in reminders and "r@example.org" in reminders
    assert "p0@example.org" not in reminders
    assert "No message matches." in page(client, f"{OUTBOX}?status=failed")
    page(client, f"{OUTBOX}?status=lost", status=400)
    page(client, f"{OUTBOX}?kind=spam", status=400)
    page(client, f"{OUTBOX}?page=9", status=404)
    # Numbers no column or OFFSET holds, and no numbers: nothing to list.
    for query in ("page=99999999999999999999", "page=0", "page=x"):
        page(client, f"{OUTBOX}?{query}", status=404)
    for query in ("participation=99999999999999", "participation=-5"):
        page(client, f"{OUTBOX}?{query}", status=404)


def test_a_persons_links(app, client, organiser):
    with app.app_context():
        chair = participation_id("Xavier Lepingle")
        speaker = participation_id("张国强")
        chair_token = db.session.get(Participation, chair).token
        speaker_token = db.session.get(Participation, speaker).token
    shown = page(client, f"/organiser/c/{SLUG}/people/{chair}/edit")
    assert (
        f'<code id="personal-link">http://localhost/c/{SLUG}/me/{chair_token}</code>'
        in shown
    )
    assert f"http://localhost/c/{SLUG}/me/{chair_token}/run-of-show</code>" in shown
    assert 'data-copy="personal-link" hidden' in shown
    assert "No mail yet." in shown
    shown = page(client, f"/organiser/c/{SLUG}/people/{speaker}/edit")
    assert f"/me/{speaker_token}</code>" in shown
    assert "run-of-show-link" not in shown and "/run-of-show</code>" not in shown
    # A new person has no link yet.
    assert "personal-link" not in page(client, f"/organiser/c/{SLUG}/people/new")


def test_mail_pages_issue_no_statement_per_message(
    app, client, organiser, sql_statements
):
    def count(url: str) -> int:
        with sql_statements() as seen:
            page(client, url)
        return len(seen)

    queue_for(app, "张国强", "Xavier Lepingle")
    few = [count(OUTBOX), count(f"/organiser/c/{SLUG}/people")]
    with app.app_context():
        names = db.session.scalars(
            select(Person.full_name).where(Person.email.is_not(None))
        ).all()
    queue_for(app, *names)
    queue_for(app, *names, kind=messages.NUDGE)
    many = [count(OUTBOX), count(f"/organiser/c/{SLUG}/people")]
    assert many == few
