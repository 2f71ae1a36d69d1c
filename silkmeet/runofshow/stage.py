"""The meeting's followers: the stage screen (``/c/<slug>/stage/<key>``, a
read-only page for the call's screen share or a second monitor) and a
speaker's live turn on their personal page (``/c/<slug>/me/<token>/live.json``).

Both answer from the conference row and the state kept per live version
(:mod:`silkmeet.runofshow.follow`); a poll that names the state it has gets a
304. Same blueprint as the rest of the run-of-show.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response
from flask import render_template
from flask import request
from flask import url_for

from silkmeet import access
from silkmeet.domain import timekeeping as tk
from silkmeet.models import Conference
from silkmeet.runofshow import follow
from silkmeet.runofshow import operations as ops
from silkmeet.runofshow.views import bp


def followed(
    conference: Conference,
    kind: str,
    body: Callable[[follow.LiveState], bytes],
    stage: bool = False,
) -> Response:
    """A follower's JSON state, or 304 when it has this version already; with
    the live view's clock, which the follower counts down from."""
    tag = follow.etag(conference, kind)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = Response(
            body(
                follow.stage_state(conference)
                if stage
                else follow.live_state(conference)
            ),
            mimetype="application/json",
        )
    response.set_etag(tag)
    response.headers["X-Live-Now"] = str(follow.ms(ops.now()))
    return response


@bp.get("/c/<slug>/stage/<token>")
def stage(slug: str, token: str):
    conference = access.conference_by_stage_key(slug, token)
    state = follow.stage_state(conference)
    return render_template(
        "runofshow/stage.html",
        conference=conference,
        view=follow.stage_view(state, conference, ops.now()),
        # A ?lang= page polls in its language too.
        state_url=url_for(
            "runofshow.stage_state",
            slug=slug,
            token=token,
            **({"lang": request.args["lang"]} if request.args.get("lang") else {}),
        ),
        amber=tk.AMBER.total_seconds(),
    )


@bp.get("/c/<slug>/stage/<token>/state")
def stage_state(slug: str, token: str):
    conference = access.conference_by_stage_key(slug, token, follow.follower_columns())
    return followed(conference, "stage", lambda state: state.stage, stage=True)


@bp.get("/c/<slug>/me/<token>/live.json")
def turn_state(slug: str, token: str):
    participation = access.participation_by_token(slug, token)
    zone = participation.person.timezone

    def body(state: follow.LiveState) -> bytes:
        document = follow.turn_json(state, participation.id, zone)
        return json.dumps(document, separators=(",", ":")).encode()

    return followed(participation.conference, f"turn-{participation.id}", body)
