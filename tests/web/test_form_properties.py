"""Property tests over the organiser forms and the CSV import: whatever is posted,
the answer is a page (saved, or re-rendered with messages) or a clear 4xx, never a
500, and a refused post changes nothing."""

from __future__ import annotations

import io

from factories import build_doc
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from silkmeet.exchange.exports import export_conference
from silkmeet.extensions import db
from silkmeet.models import Conference

FORM_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80
) | st.sampled_from(
    [
        "",
        " ",
        "0",
        "-5",
        "1441",
        "99999999999999999999",
        "2026-03-29T02:30",
        "2026-10-25T02:30",
        "Europe/Lyon",
        "XX",
        "<script>",
        "a\r\nb",
        "\x00",
    ]
)

FORMS = {
    "/organiser/c/test-conf/edit": [
        "title",
        "slug",
        "description",
        "timezone",
        "start",
        "duration_minutes",
        "buffer_minutes",
        "status",
        "video_platform",
        "join_url",
        "meeting_id",
        "passcode",
        "dial_in",
        "languages",
        "interpretation_channels",
    ],
    "/organiser/c/test-conf/people/new": [
        "full_name",
        "latin_name",
        "honorific",
        "position",
        "organisation",
        "country",
        "timezone",
        "role",
        "delegation_country",
        "email",
        "languages",
        "pronunciation",
    ],
    "/organiser/c/test-conf/lineup/items/new": [
        "lineup_version",
        "title",
        "kind",
        "country",
        "duration_minutes",
        "target_minutes",
        "pinned",
        "fixed_start",
        "notes",
        "technical_cue",
        "technical_note",
        "interpretation_language",
    ],
    "/organiser/c/test-conf/hosts": ["name", "country", "kind", "role"],
}


def snapshot(app):
    with app.app_context():
        db.session.expire_all()
        conference = db.session.scalar(db.select(Conference))
        doc = export_conference(conference, include_tokens=True)
        return doc, conference.lineup_version, conference.invite_revision


@FORM_SETTINGS
@given(
    st.sampled_from(sorted(FORMS)),
    st.data(),
)
def test_forms_never_fail_and_refusals_change_nothing(
    app, client, auth, make_conference, url, data
):
    if not hasattr(app, "_form_fixture"):
        app._form_fixture = make_conference(
            data=build_doc(speakers=[("Ana", "BR", "America/Sao_Paulo")])
        )
        auth.login_as(conferences=[app._form_fixture])
    fields = FORMS[url]
    chosen = data.draw(st.lists(st.sampled_from(fields), unique=True, max_size=6))
    payload = {name: data.draw(text, label=name) for name in chosen}
    before = snapshot(app)
    response = client.post(url, data=payload)
    assert response.status_code < 500, (url, payload)
    if response.status_code not in (302, 303):
        # Re-rendered with errors, or refused: nothing may have changed.
        assert snapshot(app) == before, (url, payload, response.status_code)


@FORM_SETTINGS
@given(st.binary(max_size=600) | st.text(max_size=400).map(str.encode))
def test_csv_import_never_fails_and_preview_writes_nothing(
    app, client, auth, make_conference, blob
):
    if not hasattr(app, "_csv_fixture"):
        app._csv_fixture = make_conference()
        auth.login_as(conferences=[app._csv_fixture])
    before = snapshot(app)
    response = client.post(
        "/organiser/c/test-conf/people/import",
        data={"file": (io.BytesIO(blob), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    assert snapshot(app) == before
