"""Names as people wrote them, with the Latin form beside them, on every page
that shows a person to others (issue 14.8)."""

import pytest
from factories import build_doc

from silkmeet.extensions import db
from silkmeet.models import Participation

SLUG = "test-conf"
PEOPLE = [
    ("Шавкат Умурзаков", "Shavkat Umurzakov", "UZ", "Asia/Tashkent"),
    ("山田 太郎", "Yamada Taro", "JP", "Asia/Tokyo"),
    ("محمد علي", "Muhammad Ali", "EG", "Africa/Cairo"),
]
SHOWN = [
    '<bdi class="person-name">Шавкат Умурзаков</bdi> '
    '<span class="latin-name">(<bdi>Shavkat Umurzakov</bdi>)</span>',
    '<bdi class="person-name">山田 太郎</bdi> '
    '<span class="latin-name">(<bdi>Yamada Taro</bdi>)</span>',
    '<bdi class="person-name">محمد علي</bdi> '
    '<span class="latin-name">(<bdi>Muhammad Ali</bdi>)</span>',
]


@pytest.fixture
def conference(make_conference):
    doc = build_doc(speakers=[(full, c, zone) for full, _, c, zone in PEOPLE])
    for participant, (_, latin, _, _) in zip(doc["participants"], PEOPLE, strict=True):
        participant["person"]["latin_name"] = latin
        participant["person"]["email"] = f"{participant['key']}@example.org"
    doc["participants"][0]["role"] = "chair"
    return make_conference(data=doc)


def token_of(app, conference_id):
    with app.app_context():
        return db.session.scalars(
            db.select(Participation.token).where(
                Participation.conference_id == conference_id
            )
        ).first()


@pytest.mark.parametrize(
    "path",
    [
        "/c/{slug}/agenda",
        "/c/{slug}/me/{token}",
        "/organiser/c/{slug}/lineup",
        "/organiser/c/{slug}/people",
        "/organiser/c/{slug}/invites",
        "/c/{slug}/run-of-show",
    ],
)
def test_both_forms_of_every_name(app, client, auth, conference, path):
    auth.login_as(conferences=[conference])
    page = client.get(path.format(slug=SLUG, token=token_of(app, conference)))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert [shown for shown in SHOWN if shown in text] == SHOWN


def test_agenda_names_the_chair_with_both_forms(client, conference):
    text = client.get(f"/c/{SLUG}/agenda").get_data(as_text=True)
    assert f'<span class="muted">Chair</span> {SHOWN[0]}' in text


def test_person_name_escapes_what_people_typed():
    from silkmeet.web import person_name

    html = str(person_name("<b>Ан</b>", "<i>An</i>"))
    assert html == (
        '<bdi class="person-name">&lt;b&gt;Ан&lt;/b&gt;</bdi> '
        '<span class="latin-name">(<bdi>&lt;i&gt;An&lt;/i&gt;</bdi>)</span>'
    )
