"""Who may see what: organisers by rights per conference, delegates by token,
and what the public sees of a conference's video call."""

from __future__ import annotations

import dataclasses
import hmac
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import abort
from flask import request
from flask_login import current_user
from sqlalchemy import select

from silkmeet.domain import ics
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation


def organiser_conference(slug: str, options=()) -> Conference:
    """The conference if the logged-in organiser has rights on it.

    404 when it does not exist, 403 when it belongs to other organisers. Views
    must also be ``@login_required`` (anonymous visitors go to the login page).
    """
    conference = (
        db.session.execute(
            select(Conference).where(Conference.slug == slug).options(*options)
        )
        .unique()
        .scalar_one_or_none()
    )
    if conference is None:
        abort(404)
    if not current_user.is_authenticated or not has_rights(conference.id):
        abort(403)
    return conference


def has_rights(conference_id: int) -> bool:
    return (
        db.session.get(ConferenceOrganiser, (conference_id, current_user.id))
        is not None
    )


def participation_by_token(
    slug: str, token: str, include_removed: bool = False
) -> Participation:
    """The participation a personal link names, else 404.

    The same 404 for an unknown conference, an unknown or revoked token and a
    token of another conference: a link reveals nothing it does not open.
    """
    _plausible_token(token)
    participation = db.session.scalar(
        select(Participation).where(Participation.token == token)
    )
    if participation is None:
        abort(404)
    _check_link(participation.token, participation.conference.slug, slug, token)
    if participation.removed_at is not None and not include_removed:
        abort(404)
    return participation


def conference_by_stage_key(slug: str, key: str, options=()) -> Conference:
    """The conference whose stage screen ``key`` opens, else 404.

    As for a personal link: the same 404 for an unknown conference, an unknown
    or revoked key and a key of another conference.
    """
    _plausible_token(key)
    conference = db.session.scalar(
        select(Conference).where(Conference.stage_token == key).options(*options)
    )
    if conference is None:
        abort(404)
    _check_link(conference.stage_token, conference.slug, slug, key)
    return conference


def personal_row_by_token(slug: str, token: str, row_for):
    """As :func:`participation_by_token` (removed participants included), for a
    view that reads one row: ``row_for(token)`` returns it, with ``token`` and
    ``slug`` columns."""
    _plausible_token(token)
    row = row_for(token)
    if row is None:
        abort(404)
    _check_link(row.token, row.slug, slug, token)
    return row


def _plausible_token(token: str) -> None:
    if not token or len(token) > 64:
        abort(404)


def _check_link(found_token: str, found_slug: str, slug: str, token: str) -> None:
    # The lookup is by index; compare again in constant time before trusting it.
    if not hmac.compare_digest(found_token.encode(), token.encode()):
        abort(404)
    if found_slug != slug:
        abort(404)


def agenda_access(conference: Conference, key: str | None) -> tuple[bool, str | None]:
    """Who may see a conference's agenda, its exports and its calendar.

    Returns ``(organiser?, share key to carry in links)``, or aborts with 404:
    an agenda behind its share link, or a draft, looks the same as a missing
    conference to anyone without the link or organiser rights.
    """
    if current_user.is_authenticated and has_rights(conference.id):
        return True, None
    has_key = bool(key) and hmac.compare_digest(
        key.encode(), conference.agenda_share_token.encode()
    )
    if conference.status == "draft":
        abort(404)
    if conference.agenda_visibility == "public" or has_key:
        return False, key if has_key else None
    abort(404)


def may_follow_former_slug(conference: Conference) -> bool:
    """Whether this request may learn where a former slug of ``conference``
    leads. Anyone may for a published public agenda; for a draft or a
    link-only agenda, only a request that holds a right to it (organiser
    rights, the agenda's share key, one of its personal links): to anyone
    else the old slug looks as missing as the new one would."""
    if conference.status != "draft" and conference.agenda_visibility == "public":
        return True
    if current_user.is_authenticated and has_rights(conference.id):
        return True
    args = request.view_args or {}
    key = args.get("key") or request.args.get("key")
    if key and hmac.compare_digest(
        key.encode(), conference.agenda_share_token.encode()
    ):
        return True
    token = args.get("token")
    if not token or len(token) > 64:
        return False
    found = db.session.scalar(
        select(Participation.token).where(
            Participation.token == token,
            Participation.conference_id == conference.id,
        )
    )
    return found is not None and hmac.compare_digest(found.encode(), token.encode())


# What a viewer sees of the video call -----------------------------------------

# Query parameters video platforms use to carry the meeting passcode (Zoom's pwd).
PASSCODE_PARAMS = frozenset({"pwd", "passcode", "password", "pw", "pass"})


def join_url_without_passcode(url: str) -> str:
    """The join link minus an embedded passcode."""
    if not url:
        return url
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in PASSCODE_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclasses.dataclass(frozen=True)
class Visibility:
    """What a viewer sees of a conference's video call.

    The public (the agenda page, the conference calendar and the schedule
    exports, with or without the share link) sees the join link without an
    embedded passcode, never the passcode; organisers and personal links see
    both. Every page and file of a conference asks this one rule.
    """

    passcode: bool

    def join_url(self, url: str) -> str:
        return url if self.passcode else join_url_without_passcode(url)

    def meeting(self, meeting: ics.Meeting) -> ics.Meeting:
        """``meeting`` as this viewer may read it."""
        if self.passcode:
            return meeting
        return dataclasses.replace(
            meeting, join_url=self.join_url(meeting.join_url), passcode=""
        )


EVERYTHING = Visibility(passcode=True)
PUBLIC = Visibility(passcode=False)


def public_view(organiser: bool) -> Visibility:
    """What a visitor of a conference's public pages and files sees: everything
    for its organisers (``agenda_access``), the public view for anyone else."""
    return EVERYTHING if organiser else PUBLIC
