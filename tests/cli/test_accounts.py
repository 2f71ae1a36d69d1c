"""``create-organiser``, ``grant`` and ``demo-login``."""

from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Organiser


def test_create_organiser_hashes_password(app, runner):
    result = runner.invoke(
        args=["create-organiser", "Ada@Example.org", "--name", "Ada"],
        env={"SILKMEET_ORGANISER_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        organiser = db.session.scalar(select(Organiser))
        assert organiser.email == "Ada@example.org"
        assert "a long enough password" not in organiser.password_hash
        assert organiser.check_password("a long enough password")
        assert not organiser.check_password("wrong")


def test_create_organiser_refuses_short_password_and_bad_email(app, runner):
    short = runner.invoke(args=["create-organiser", "a@example.org", "--password", "x"])
    assert short.exit_code == 1 and "at least 10" in short.output
    bad = runner.invoke(args=["create-organiser", "nope", "--password", "x" * 12])
    assert bad.exit_code == 1 and "email:" in bad.output


def test_demo_login_grants_every_conference(app, runner):
    runner.invoke(args=["load-demo"])
    result = runner.invoke(
        args=["demo-login"], env={"SILKMEET_DEMO_PASSWORD": "pw-123456789"}
    )
    assert result.exit_code == 0
    assert "organiser@silkmeet.example" in result.output
    with app.app_context():
        organiser = db.session.scalar(select(Organiser))
        assert organiser.check_password("pw-123456789")
        assert len(organiser.conferences) == 1
