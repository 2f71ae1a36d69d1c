"""Every download's Content-Disposition, whatever a person's name holds: a
response (never a 500), a header that parses, a name that keeps its extension,
an ASCII fallback, all bounded in bytes."""

from __future__ import annotations

import io
import zipfile
from email.message import Message
from email.utils import collapse_rfc2231_value

import pytest
from factories import build_doc
from sqlalchemy import select
from werkzeug.http import parse_options_header

from silkmeet.domain.filenames import MAX_ASCII_STEM
from silkmeet.domain.filenames import MAX_NAME_BYTES
from silkmeet.extensions import db
from silkmeet.models import Participation

SLUG = "test-conf"
# The longest slug a conference may have (String(80)).
LONG_SLUG = "-".join(["abcdefghi"] * 8)
HEADER_FRAME = "attachment; filename=\"\"; filename*=UTF-8''"
# The ASCII fallback, and the name percent-encoded: 3 bytes per byte at most.
MAX_HEADER_BYTES = len(HEADER_FRAME) + MAX_NAME_BYTES + 3 * MAX_NAME_BYTES

NAMES = {
    # The finding: the 120-character cut dropped ".ics", then the ASCII
    # fallback took "Dupont." and the header held Chinese text: a 500.
    "dot then chinese": "Jean Dupont. " + "张" * 150,
    "long ascii": "A" * 300,
    "only emoji": "🧵🎉👩‍👩‍👧" * 40,
    "only rtl": "\u202e" + "محمد عبد الله " * 20,
    "quotes and breaks": 'He said "hi" \\ back\r\nX-Evil: 1; ' * 8,
}


def disposition(header: str, kind: str = "attachment") -> tuple[str, str]:
    """``(name, ASCII fallback)`` of a Content-Disposition, checked the way a
    client reads it: both parsers agree, the bytes are bounded."""
    raw = header.encode("latin-1")
    assert b"\r" not in raw and b"\n" not in raw
    assert len(raw) <= MAX_HEADER_BYTES, len(raw)
    parsed_kind, options = parse_options_header(header)
    assert parsed_kind == kind
    message = Message()
    message["Content-Disposition"] = header
    params = message.get_params(header="content-disposition", failobj=[])[1:]
    # The email package gives filename* as a (charset, language, text) tuple.
    (fallback,) = [v for k, v in params if isinstance(v, str)]
    encoded = [collapse_rfc2231_value(v) for k, v in params if isinstance(v, tuple)]
    assert len(encoded) <= 1
    assert [k for k, _v in params] == ["filename"] * (1 + len(encoded))
    assert fallback.isascii() and fallback == fallback.strip()
    assert len(fallback) <= MAX_NAME_BYTES
    name = encoded[0] if encoded else fallback
    assert options["filename"] == name  # werkzeug reads filename* first
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert not name.endswith(".") and not fallback.endswith(".")
    return name, fallback


@pytest.fixture
def named(app, make_conference):
    """The conference, and each case's ``(participation id, token)``."""
    doc = build_doc(speakers=[(name, "FR", "Europe/Paris") for name in NAMES.values()])
    for n, item in enumerate(doc["agenda"]):
        item["title"] = f"Talk {n}"  # "<name> speaks" is too long a title
    conference_id = make_conference(data=doc)
    with app.app_context():
        found = db.session.execute(
            select(Participation.id, Participation.token)
            .where(Participation.conference_id == conference_id)
            .order_by(Participation.id)
        ).all()
    return conference_id, dict(zip(NAMES, map(tuple, found), strict=True))


@pytest.mark.parametrize("case", sorted(NAMES))
def test_personal_invite_of_a_long_or_strange_name(client, named, case):
    _conference_id, found = named
    _pid, token = found[case]
    with client.get(f"/c/{SLUG}/invites/{token}.ics") as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_data().startswith(b"BEGIN:VCALENDAR")
        header = response.headers["Content-Disposition"]
    name, fallback = disposition(header)
    assert name.endswith(".ics") and fallback.endswith(".ics")
    assert name.startswith(f"{SLUG} - ")
    assert fallback.startswith(SLUG)
    # Invisible direction controls would show "…scs.ics" reversed.
    assert "\u202e" not in name


def test_the_finding_keeps_the_start_of_the_name(client, named):
    _conference_id, found = named
    _pid, token = found["dot then chinese"]
    with client.get(f"/c/{SLUG}/invites/{token}.ics") as response:
        name, fallback = disposition(response.headers["Content-Disposition"])
    assert name.startswith(f"{SLUG} - Jean Dupont. 张张")
    assert fallback == f"{SLUG}-Jean-Dupont.ics"


def test_organiser_download_and_zip_of_strange_names(client, auth, named):
    conference_id, found = named
    auth.login_as(conferences=[conference_id])
    for case, (pid, _token) in found.items():
        url = f"/organiser/c/{SLUG}/invites/{pid}.ics"
        with client.get(url) as response:
            assert response.status_code == 200, case
            name, _ = disposition(response.headers["Content-Disposition"])
            assert name.endswith(".ics")
    with client.get(f"/organiser/c/{SLUG}/invites.zip") as response:
        assert response.status_code == 200
        name, _ = disposition(response.headers["Content-Disposition"])
        assert name == f"{SLUG}-invites.zip"
        members = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert len(members) == len(set(members)) == len(NAMES)
    for member in members:
        assert member.isascii() and member.endswith(".ics")
        assert len(member) <= len("00-") + MAX_ASCII_STEM + len(".ics")
        assert not member[: -len(".ics")].endswith((".", "-"))


@pytest.mark.parametrize(
    ("path", "extension", "kind"),
    [
        ("/c/{slug}/calendar.ics", ".ics", "attachment"),
        ("/c/{slug}/schedule.json", ".json", "inline"),
        ("/c/{slug}/schedule.csv", ".csv", "attachment"),
        ("/c/{slug}/schedule.frab.json", ".json", "inline"),
        ("/c/{slug}/schedule.frab.xml", ".xml", "inline"),
        ("/c/{slug}/run-of-show.csv", ".csv", "attachment"),
        ("/c/{slug}/run-of-show.json", ".json", "attachment"),
        ("/c/{slug}/run-of-show/report.csv", ".csv", "attachment"),
        ("/organiser/c/{slug}/invites.zip", ".zip", "attachment"),
    ],
)
def test_every_download_of_the_longest_slug(
    client, auth, make_conference, path, extension, kind
):
    conference_id = make_conference(
        slug=LONG_SLUG,
        speakers=[("Jean Dupont", "FR", "Europe/Paris")],
        agenda_visibility="public",
    )
    auth.login_as(conferences=[conference_id])
    with client.get(path.format(slug=LONG_SLUG)) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        name, fallback = disposition(response.headers["Content-Disposition"], kind)
    assert name == fallback
    assert name.startswith(LONG_SLUG) and name.endswith(extension)
