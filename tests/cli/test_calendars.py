"""``schedule`` and ``invites``: a conference's times on the command line."""

import json

from factories import parse_ics

DEMO = "silk-cities-2020"


def test_cli_schedule_json(runner, demo):
    result = runner.invoke(args=["schedule", DEMO, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["conference"]["slug"] == DEMO
    result = runner.invoke(args=["schedule", DEMO])
    assert "2020-11-20 14:00–14:04  Opening" in result.output


def test_cli_schedule_across_a_clock_change(runner, make_conference):
    make_conference(
        timezone="Europe/Paris",
        start="2026-10-25T02:00:00+02:00",
        speakers=[("Claire", "FR", "Europe/Paris")],
        item_minutes=60,
    )
    result = runner.invoke(args=["schedule", "test-conf"])
    assert "2026-10-25 02:00 CEST – 02:00 CET  Claire speaks" in result.output
    result = runner.invoke(args=["schedule", "nope", "--json"])
    assert result.exit_code == 1 and "no conference" in result.output


def test_cli_writes_invites(app, runner, demo, tmp_path):
    result = runner.invoke(args=["invites", "silk-cities-2020", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.iterdir())
    assert "silk-cities-2020.ics" in files
    assert len(files) == 18  # 17 participants and the conference calendar
    for path in tmp_path.iterdir():
        parse_ics(path.read_bytes())
    result = runner.invoke(args=["invites", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no conference with slug 'nope'" in result.output


def test_cli_refuses_a_conference_without_start(runner, make_conference, tmp_path):
    make_conference(start=None)
    result = runner.invoke(args=["invites", "test-conf", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no start yet" in result.output
