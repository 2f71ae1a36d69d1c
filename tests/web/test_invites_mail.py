"""Invitations by e-mail from the Invites page, through the worker, into a real
SMTP server (aiosmtpd), read back as a mail program and a calendar would."""

from __future__ import annotations

import email
import html
import re
from email import policy

import icalendar
import pytest
from factories import demo_data
from factories import parse_ics
from sqlalchemy import select
from sqlalchemy.orm import undefer

from silkmeet.extensions import db
from silkmeet.i18n import force_locale
from silkmeet.i18n import gettext
from silkmeet.invites import audience
from silkmeet.invites import sending
from silkmeet.mail.worker import deliver
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.organiser import operations as organiser_ops

SLUG = "silk-cities-2020"
PAGE = f"/organiser/c/{SLUG}/invites"
PEOPLE = 17


@pytest.fixture
def organiser(demo, auth):
    auth.login_as(conferences=[demo])
    return demo


def post(client, url, data=None, status=(302, 303)):
    with client.post(url, data=data or {}) as response:
        assert response.status_code in status, response.get_data(as_text=True)
        return response


def page(client, url=PAGE, status=200) -> str:
    with client.get(url) as response:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_data(as_text=True)


def send_all(app, clock):
    return deliver(app, once=True, clock=clock, sleep=clock.sleep)


def parsed(received) -> email.message.EmailMessage:
    return email.message_from_bytes(received.content, policy=policy.default)


def calendar(message):
    """The calendar part's ``method=`` and its VEVENT (the only one), checked
    by both calendar parsers."""
    [part] = [
        p
        for p in message.walk()
        if p.get_content_type() == "text/calendar" and not p.is_attachment()
    ]
    data = part.get_payload(decode=True)
    loose, strict = parse_ics(data)
    [event] = loose.walk("VEVENT")
    assert len(strict.events) == 1
    assert loose["METHOD"] == part.get_param("method")
    return part.get_param("method"), event


def by_address(smtp_server, since: int = 0) -> dict[str, list]:
    found: dict[str, list] = {}
    for received in smtp_server.received[since:]:
        [address] = received.rcpt_tos
        found.setdefault(address, []).append(parsed(received))
    return found


def pid_of(app, full_name: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Participation.id).join(Person).where(Person.full_name == full_name)
        )


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(
            select(OutboxMessage)
            .options(undefer(OutboxMessage.raw), undefer(OutboxMessage.snapshot))
            .order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return found


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_the_page_sends_everyone_an_invitation_calendars_accept(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "not_invited"})
    rows = outbox(mail_app)
    assert len(rows) == PEOPLE
    # Queued light: nothing is built in the request.
    assert {(r.status, r.kind) for r in rows} == {("queued", "invitation")}
    assert all(r.raw is None and r.ics_uid for r in rows)
    assert "17 invitations queued" in page(client)
    totals = send_all(mail_app, clock)
    assert (totals.sent, totals.failed, totals.superseded) == (PEOPLE, 0, 0)
    got = by_address(smtp_server)
    assert len(got) == PEOPLE
    uids = set()
    for address, [message] in got.items():
        assert message.get_content_type() == "multipart/mixed"
        alternative, attachment = message.iter_parts()
        assert [p.get_content_type() for p in alternative.iter_parts()] == [
            "text/plain",
            "text/html",
            "text/calendar",
        ]
        assert attachment.get_filename() == "invite.ics"
        method, event = calendar(message)
        assert method == "REQUEST"
        assert message["To"].addresses[0].addr_spec == address
        assert event["ATTENDEE"] == f"mailto:{address}"
        assert event["ATTENDEE"].params["RSVP"] == "TRUE"
        assert event["SEQUENCE"] == 1
        # Replies: the calendar's to the sender, the mail's to the organisers.
        assert event["ORGANIZER"] == "mailto:silkmeet@localhost"
        assert [a.addr_spec for a in message["Reply-To"].addresses] == [
            "org@example.org"
        ]
        uids.add(str(event["UID"]))
    assert len(uids) == 1  # one meeting, one event in every calendar
    rows = outbox(mail_app)
    assert {(r.status, r.ics_sequence) for r in rows} == {("sent", 1)}
    # What each was told, in their language: the demo's title or a translation.
    titles = {r.snapshot["title"] for r in rows}
    demo_conference = demo_data()["conference"]
    assert titles <= {
        demo_conference["title"],
        *demo_conference["title_translations"].values(),
    }
    assert {
        demo_conference["title"],
        demo_conference["title_translations"]["fr"],
    } <= titles
    assert demo_conference["title_translations"]["zh_Hans"] in titles
    # The body says how to join, in the recipient's time and language (佐藤
    # 美咲 reads Japanese), and their own page.
    misaki = text_of(got["misaki.sato@example.org"][0])
    assert "パスコード：soie2020" in misaki
    assert "2020年11月20日(金) 22:00" in misaki and "日本標準時 (UTC+09:00)" in misaki
    assert "http://localhost/c/silk-cities-2020/me/" in misaki
    text = page(client)
    assert text.count(">sent</span>") == PEOPLE
    assert "17</strong> invitations sent" in text
    # Nobody is left to invite; sending again queues nothing.
    post(client, PAGE + "/send", {"who": "not_invited"})
    assert len(outbox(mail_app)) == PEOPLE
    assert "Nobody to send an invitation to." in page(client)


def test_speaking_slots_as_events_of_their_own(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "role", "role": "chair", "slots": "y"})
    send_all(mail_app, clock)
    [(address, messages)] = by_address(smtp_server).items()
    assert address == "xavier.lepingle@example.org"
    events = [calendar(m) for m in messages]
    assert [method for method, _ in events] == ["REQUEST"] * 3
    summaries = [str(e["SUMMARY"]) for _, e in events]
    # In his language, French (his languages: fr, en): the catalog's words,
    # the demo's French titles.
    with mail_app.test_request_context(), force_locale("fr"):
        assert summaries[1:] == [
            gettext("You speak: %(title)s", title="Ouverture de la conférence"),
            gettext("You speak: %(title)s", title="Mot de clôture"),
        ]
    assert summaries[1].startswith("Vous intervenez")
    assert len({str(e["UID"]) for _, e in events}) == 3
    assert [r.kind for r in outbox(mail_app)] == ["invitation", "slot", "slot"]


def test_choosing_recipients(mail_app, client, organiser):
    post(client, PAGE + "/send", {"who": "country", "country": "CN"})
    assert sorted(r.recipient for r in outbox(mail_app)) == [
        "xiang.feng@example.org",
        "zhang.guoqiang@example.org",
    ]
    # By hand: anyone ticked, even if invited already.
    chosen = [pid_of(mail_app, "向锋"), pid_of(mail_app, "Claire Fabre")]
    post(client, PAGE + "/send", {"who": "chosen", "chosen": chosen})
    assert sorted(r.recipient for r in outbox(mail_app)[2:]) == [
        "claire.fabre@example.org",
        "xiang.feng@example.org",
    ]
    # Errors re-render the form.
    body = post(client, PAGE + "/send", {"who": "chosen"}, status=(400,))
    assert "Tick at least one participant" in body.get_data(as_text=True)
    body = post(client, PAGE + "/send", {"who": "role", "role": "pope"}, status=(400,))
    assert "Choose one of the roles" in body.get_data(as_text=True)
    assert len(outbox(mail_app)) == 4


def test_people_without_an_address_are_not_reachable(app, client, organiser):
    with app.app_context():
        person = db.session.get(Participation, pid_of(app, "Li Na")).person
        person.email = None
        db.session.commit()
    text = page(client)
    assert "Not reachable, no e-mail address:\n            Li Na" in text
    assert "1</strong> without an e-mail address" in text
    post(client, PAGE + "/send")
    assert len(outbox(app)) == PEOPLE - 1
    assert "Not reachable, no e-mail address: Li Na" in page(client)


def test_moving_a_country_block_outdates_exactly_its_speakers(
    mail_app, client, organiser, english_readers, smtp_server, clock
):
    post(client, PAGE + "/send", {"slots": "y"})
    send_all(mail_app, clock)
    first = by_address(smtp_server)
    sent = len(smtp_server.received)
    with mail_app.app_context():
        conference = db.session.get(Conference, organiser)
        version = conference.lineup_version
        brazil = db.session.scalar(
            select(AgendaItem.id).where(AgendaItem.title == "Brazil")
        )
    post(
        client,
        f"/organiser/c/{SLUG}/lineup/move",
        {"item_id": brazil, "action": "block_down", "lineup_version": version},
    )
    with mail_app.test_request_context():
        found = audience.of(db.session.get(Conference, organiser))
        outdated = {p.row.full_name: p.changes for p in found.outdated}
    # Brazil (7 min) and China (8 min) swapped: France starts as it did.
    assert outdated == {
        "Ana Paula Souza": (
            "Your speaking slot moved: Fri 20 Nov 2020, 10:29–10:36 → "
            "10:37–10:44 UTC-03:00",
        ),
        "向锋": (
            "Your speaking slot moved: Fri 20 Nov 2020, 21:36–21:44 → "
            "21:29–21:37 CST (UTC+08:00)",
        ),
    }
    text = page(client)
    assert "Outdated invitations" in text and "Send updates to 2 participants" in text
    post(client, PAGE + "/updates")
    assert send_all(mail_app, clock).sent == 4  # each: the meeting and the slot
    got = by_address(smtp_server, since=sent)
    assert set(got) == {"ana.souza@example.org", "xiang.feng@example.org"}
    for address, messages in got.items():
        [(_, before)] = [calendar(m) for m in first[address][:1]]
        method, event = calendar(messages[0])
        assert method == "REQUEST"
        assert event["UID"] == before["UID"]
        assert event["SEQUENCE"] > before["SEQUENCE"]
        assert "What changed:\n- Your speaking slot moved" in text_of(messages[0])
        slot_before = calendar(first[address][1])[1]
        slot_method, slot_event = calendar(messages[1])
        assert slot_event["UID"] == slot_before["UID"]
        assert slot_event["DTSTART"].dt != slot_before["DTSTART"].dt
        assert slot_event["SEQUENCE"] > slot_before["SEQUENCE"]
    # Up to date now: nobody is outdated, nothing more to send.
    assert "Outdated invitations" not in page(client)
    post(client, PAGE + "/updates")
    assert "Nobody to send an update to." in page(client)


def test_a_removed_participant_gets_a_cancel_of_the_same_event(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "JP", "slots": "y"})
    send_all(mail_app, clock)
    [invitation, slot] = by_address(smtp_server)["misaki.sato@example.org"]
    sent = len(smtp_server.received)
    misaki = pid_of(mail_app, "佐藤 美咲")
    post(client, f"/organiser/c/{SLUG}/people/{misaki}/remove")
    # Queued in the removal's transaction: the meeting and her slot event.
    assert [(r.kind, r.status) for r in outbox(mail_app)[2:]] == [
        ("cancellation", "queued"),
        ("cancellation", "queued"),
    ]
    assert send_all(mail_app, clock).sent == 2
    got = by_address(smtp_server, since=sent)
    assert list(got) == ["misaki.sato@example.org"]
    cancels = got["misaki.sato@example.org"]
    for before, after in zip((invitation, slot), cancels, strict=True):
        method, event = calendar(after)
        old = calendar(before)[1]
        assert method == "CANCEL"
        assert event["STATUS"] == "CANCELLED"
        assert event["UID"] == old["UID"] and event["SEQUENCE"] > old["SEQUENCE"]
        assert event["ATTENDEE"] == "mailto:misaki.sato@example.org"
    text = page(client)
    assert "cancellation</span>" in text


def test_a_cancelled_conference_cancels_for_everyone_invited_and_back(
    mail_app, client, organiser, english_readers, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "FR"})
    send_all(mail_app, clock)
    invited = set(by_address(smtp_server))
    sent = len(smtp_server.received)
    with mail_app.test_request_context():
        conference = db.session.get(Conference, organiser)
        organiser_ops.update_conference(conference, status="cancelled")
        db.session.commit()
    send_all(mail_app, clock)
    cancelled = by_address(smtp_server, since=sent)
    assert set(cancelled) == invited
    sequences = {}
    for address, [message] in cancelled.items():
        method, event = calendar(message)
        assert method == "CANCEL"
        sequences[address] = event["SEQUENCE"]
    # While it is cancelled, nothing but cancellations goes out.
    post(client, PAGE + "/send")
    assert "The conference is cancelled" in page(client)
    # On again: what they hold (the cancellation) is outdated, and the update
    # goes above it.
    sent = len(smtp_server.received)
    with mail_app.test_request_context():
        conference = db.session.get(Conference, organiser)
        organiser_ops.update_conference(conference, status="published")
        db.session.commit()
        found = audience.of(conference)
        assert {p.row.email for p in found.outdated} == invited
        assert {p.changes for p in found.outdated} == {("The invitation stands again",)}
    post(client, PAGE + "/updates")
    send_all(mail_app, clock)
    for address, [message] in by_address(smtp_server, since=sent).items():
        method, event = calendar(message)
        assert method == "REQUEST" and event["SEQUENCE"] > sequences[address]


def test_an_update_never_goes_below_a_later_cancellation(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "GE"})
    send_all(mail_app, clock)
    with mail_app.test_request_context():
        conference = db.session.get(Conference, organiser)
        organiser_ops.update_conference(conference, passcode="soie2021")
        db.session.commit()
    post(client, PAGE + "/updates")
    smtp_server.reply("451 4.3.0 Try again later")
    assert send_all(mail_app, clock).retried == 1
    # Before the retry, she is removed: the cancellation goes out first.
    post(client, f"/organiser/c/{SLUG}/people/{pid_of(mail_app, 'ნინო ბერიძე')}/remove")
    assert send_all(mail_app, clock).sent == 1
    clock.advance(minutes=5)
    totals = send_all(mail_app, clock)
    assert (totals.sent, totals.superseded) == (0, 1)
    received = [calendar(parsed(r)) for r in smtp_server.received]
    assert [m for m, _ in received] == ["REQUEST", "CANCEL"]
    update = next(r for r in outbox(mail_app) if r.kind == "update")
    assert update.status == "superseded"
    assert update.last_error == "a later message replaces it"
    # The SEQUENCE each recipient saw only rose.
    assert received[0][1]["SEQUENCE"] < received[1][1]["SEQUENCE"]


def test_an_update_rendered_after_nothing_changed_is_dropped(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "IT"})
    send_all(mail_app, clock)
    with mail_app.test_request_context():
        conference = db.session.get(Conference, organiser)
        organiser_ops.update_conference(conference, passcode="soie2021")
        db.session.commit()
        sending.queue_updates(audience.of(conference))
        # Changed back before the worker came by: the update would say nothing.
        organiser_ops.update_conference(conference, passcode="soie2020")
        db.session.commit()
    totals = send_all(mail_app, clock)
    assert (totals.sent, totals.superseded) == (0, 1)
    assert outbox(mail_app)[-1].last_error == "nothing changed since what they hold"


def test_the_preview_is_what_is_then_sent(
    mail_app, client, organiser, smtp_server, clock
):
    misaki = pid_of(mail_app, "佐藤 美咲")
    shown = page(client, f"{PAGE}/{misaki}/preview")
    assert "What 佐藤 美咲 (Misaki Sato) gets" in shown
    preview_text = html.unescape(
        re.search(r'id="preview-text">(.*?)</pre>', shown, re.S)[1]
    )
    preview_calendar = html.unescape(
        re.search(r'id="preview-calendar">(.*?)</pre>', shown, re.S)[1]
    )
    with client.get(f"{PAGE}/{misaki}/preview.html") as response:
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        assert csp.startswith("sandbox;") and "script" not in csp
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        preview_html = response.get_data(as_text=True)
    assert f'src="{PAGE}/{misaki}/preview.html"' in shown
    post(client, PAGE + "/send", {"who": "chosen", "chosen": [misaki]})
    send_all(mail_app, clock)
    [message] = by_address(smtp_server)["misaki.sato@example.org"]
    assert text_of(message) == preview_text
    assert (
        message.get_body(("html",)).get_content().replace("\r\n", "\n") == preview_html
    )
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    sent_calendar = part.get_payload(decode=True).decode().replace("\r\n", "\n")

    def stamped(text):
        return re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP", text.replace("\r\n", "\n"))

    assert stamped(sent_calendar) == stamped(preview_calendar)
    for header in ("From", "To", "Reply-To", "Subject"):
        shown_value = re.search(rf'<th scope="row">{header}</th><td>(.*?)</td>', shown)[
            1
        ]
        assert html.unescape(shown_value) == str(message[header])


def test_a_failed_delivery_shows_the_reply_and_can_be_retried(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "ES"})
    smtp_server.reply("550 5.1.1 <carmen.ortega@example.org>: Recipient unknown")
    assert send_all(mail_app, clock).failed == 1
    text = page(client)
    assert "1</strong> failed" in text
    assert "550 5.1.1 &lt;carmen.ortega@example.org&gt;: Recipient unknown" in text
    assert 'Retry<span class="visually-hidden"> sending to Carmen Ortega' in text
    carmen = pid_of(mail_app, "Carmen Ortega")
    # Her address is corrected; the retry renders the message again for it.
    with mail_app.app_context():
        db.session.get(Participation, carmen).person.email = "c.ortega@example.org"
        db.session.commit()
    post(client, f"{PAGE}/{carmen}/retry")
    assert "1 failed message queued again." in page(client)
    assert send_all(mail_app, clock).sent == 1
    assert smtp_server.received[-1].rcpt_tos == ["c.ortega@example.org"]
    [row] = outbox(mail_app)
    assert (row.status, row.recipient) == ("sent", "c.ortega@example.org")


def test_a_rolled_back_change_queues_nothing(app, organiser):
    with app.test_request_context():
        conference = db.session.get(Conference, organiser)
        queued = sending.queue_invitations(audience.of(conference))
        assert queued.messages == PEOPLE
        db.session.rollback()
        participation = db.session.get(Participation, pid_of(app, "Claire Fabre"))
        organiser_ops.remove_participant(participation)
        db.session.rollback()
    assert outbox(app) == []


def test_links_on_the_page_and_in_the_csv(app, client, organiser):
    with app.app_context():
        chair = db.session.get(Participation, pid_of(app, "Xavier Lepingle"))
        token, chair_id = chair.token, chair.id
        chair.person.full_name = "=HYPERLINK(1)"
        db.session.commit()
    text = page(client)
    link = f"http://localhost/c/{SLUG}/me/{token}"
    assert f'<code id="link-{chair_id}">{link}</code>' in text
    assert f"{link}/run-of-show</code>" in text
    # Each action names its participant: one per row.
    hidden = r'<span class="visually-hidden"> {}for ([^<]+)<'
    for action, words in (
        ("Copy", "personal link "),
        ("Download", "invite "),
        ("Revoke link", ""),
        ("Preview", "message "),
    ):
        names = re.findall(action + hidden.format(words), text)
        assert len(names) == len(set(names)) == PEOPLE, action
    assert re.findall("Copy" + hidden.format("run-of-show link "), text) == [
        "=HYPERLINK(1)"
    ]
    with client.get(PAGE + "/links.csv") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "personal-links.csv" in response.headers["Content-Disposition"]
        body = response.get_data(as_text=True)
    lines = body.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == (
        "name,latin_name,email,role,country,languages,personal_link,run_of_show_link"
    )
    assert len([line for line in lines if line]) == PEOPLE + 1
    assert lines[1].startswith("'=HYPERLINK(1),,xavier.lepingle@example.org,Chair,")
    assert lines[1].endswith(f"{link},{link}/run-of-show")
    assert any(
        line.startswith(
            "张国强,Zhang Guoqiang,zhang.guoqiang@example.org,Speaker,China"
        )
        and line.endswith(",")
        for line in lines
    )


def test_sending_needs_the_csrf_token(app, client, organiser):
    app.config["WTF_CSRF_ENABLED"] = True
    post(client, PAGE + "/send", status=(400,))
    post(client, PAGE + "/updates", status=(400,))
    assert outbox(app) == []


def test_another_organisers_conference_is_forbidden(app, client, demo, auth):
    auth.login_as(email="other@example.org")
    post(client, PAGE + "/send", status=(403,))
    page(client, f"{PAGE}/{pid_of(app, 'Claire Fabre')}/preview", status=403)
    page(client, PAGE + "/links.csv", status=403)
    assert outbox(app) == []


def test_a_preview_of_someone_elses_participant_is_404(
    app, client, organiser, make_conference
):
    other = make_conference(slug="other", speakers=[("Ada", "FR", "Europe/Paris")])
    with app.app_context():
        ada = db.session.scalar(
            select(Participation.id).where(Participation.conference_id == other)
        )
    page(client, f"{PAGE}/{ada}/preview", status=404)
    page(client, f"{PAGE}/{ada}/preview.html", status=404)


def test_the_message_carries_the_join_details_and_replies_go_to_the_reply_address(
    mail_app, client, organiser, english_readers, smtp_server, clock
):
    with mail_app.app_context():
        db.session.get(Conference, organiser).mail_reply_to = "Desk <desk@silk.example>"
        db.session.commit()
    post(client, PAGE + "/send", {"who": "country", "country": "UZ"})
    send_all(mail_app, clock)
    [message] = by_address(smtp_server)["dilnoza.karimova@example.org"]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["desk@silk.example"]
    text = text_of(message)
    for line in ("Meeting ID: 845 1202 0112", "Passcode: soie2020", "Dial-in:"):
        assert line in text
    _, event = calendar(message)
    assert isinstance(event, icalendar.Event)
    assert str(event["LOCATION"]).startswith("https://zoom.example.org/")


def test_cancelling_the_conference_spares_those_already_cancelled(
    mail_app, client, organiser, smtp_server, clock
):
    post(client, PAGE + "/send", {"who": "country", "country": "BR"})
    send_all(mail_app, clock)
    post(
        client,
        f"/organiser/c/{SLUG}/people/{pid_of(mail_app, 'Ana Paula Souza')}/remove",
    )
    assert send_all(mail_app, clock).sent == 1
    with mail_app.test_request_context():
        conference = db.session.get(Conference, organiser)
        organiser_ops.update_conference(conference, status="cancelled")
        db.session.commit()
    assert send_all(mail_app, clock).claimed == 0
    assert [calendar(parsed(r))[0] for r in smtp_server.received] == [
        "REQUEST",
        "CANCEL",
    ]


def test_no_start_no_invitations(app, client, auth, make_conference):
    undated = make_conference(
        slug="undated", start=None, speakers=[("Ada", "FR", "Europe/Paris")]
    )
    auth.login_as(conferences=[undated])
    url = "/organiser/c/undated/invites"
    assert "can be downloaded and sent once it has one" in page(client, url)
    post(client, url + "/send")
    assert "The conference has no date and time yet" in page(client, url)
    with app.app_context():
        ada = db.session.scalar(select(Participation.id))
    assert "not fixed yet" in page(client, f"{url}/{ada}/preview", status=409)
    assert outbox(app) == []
