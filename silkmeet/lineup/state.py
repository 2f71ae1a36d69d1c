"""The lineup editor's computed state, kept per content version (:mod:`silkmeet.cache`).

:class:`LineupState` is the lineup as the domain sees it (inputs read as rows,
the schedule, display rows, warnings); :class:`LineupPage` adds the editor's
rows rendered once, one piece of HTML per unit. A move derives the next state
and page from the current ones (:meth:`LineupState.reordered`,
:meth:`LineupPage.reordered`): only the entries whose item or times changed are
computed and rendered again, and the move's answer carries only those rows.

What differs per request (the CSRF token, the lineup version in every row's
form) is left in the cached HTML as marks and put in when the page is served.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup
from markupsafe import escape

from silkmeet import timetable
from silkmeet.cache import cached
from silkmeet.cache import compute_cache
from silkmeet.domain import lineup as lu
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import compute_schedule
from silkmeet.domain.schedule import reschedule
from silkmeet.models import Conference

# Escaped user text never holds "<", so neither mark can come from it.
TOKEN_MARK = "<!-- lineup csrf -->"
VERSION_MARK = "<!-- lineup version -->"
UNIT_OPEN = '<tbody class="unit'


@dataclass(frozen=True)
class LineupState:
    """A conference's lineup as the editor shows it (no ORM object)."""

    start: object  # the conference's start (aware UTC) or None
    zone: str
    buffer_minutes: int
    duration_minutes: int
    has_chair: bool
    items: tuple[ItemIn, ...]
    scheduled: tuple[ScheduledItem, ...]
    rows: tuple[lu.Row, ...]
    item_warnings: tuple[tuple[lu.LineupWarning, ...], ...]
    warnings: tuple[lu.LineupWarning, ...]
    units: tuple[lu.Unit, ...] = ()
    # Who speaks in more than one item (the same in any order).
    twice: frozenset[int] = frozenset()

    @classmethod
    def read(cls, conference: Conference) -> LineupState:
        """From the database: the lineup as rows, in three statements."""
        return cls.build(
            conference,
            timetable.lineup_inputs(conference.id),
            timetable.has_chair(conference.id),
        )

    @classmethod
    def build(
        cls, conference: Conference, items: Sequence[ItemIn], has_chair: bool
    ) -> LineupState:
        start = conference.start_at
        empty = cls(
            start,
            conference.timezone,
            conference.buffer_minutes,
            conference.duration_minutes,
            has_chair,
            tuple(items),
            (),
            (),
            (),
            (),
        )
        empty = _replace(empty, twice=lu.speakers_twice(items))
        if start is None:
            return empty
        return empty._with(compute_schedule(start, items, empty.buffer_minutes))

    def reordered(self, items: Sequence[ItemIn]) -> LineupState:
        """The state of the same lineup in another order (a move, a saved
        order, an undo): work in proportion to the entries that change."""
        if self.start is None:
            return _replace(self, items=tuple(items))
        return _replace(self, items=tuple(items))._with(
            reschedule(self.start, self.scheduled, items, self.buffer_minutes),
            before=self,
        )

    def _with(
        self, scheduled: list[ScheduledItem], before: LineupState | None = None
    ) -> LineupState:
        kept = before.scheduled if before is not None else ()
        kept_rows = before.rows if before is not None else ()
        reuse = len(kept) == len(scheduled)
        all_units = tuple(lu.units(self.items))
        per_item = tuple(
            before.item_warnings[n]
            if reuse and kept[n] is entry
            else lu.item_warnings(self.start, self.zone, entry)
            for n, entry in enumerate(scheduled)
        )
        return _replace(
            self,
            scheduled=tuple(scheduled),
            rows=tuple(
                lu.update_rows(
                    self.start, self.zone, scheduled, kept, kept_rows, all_units
                )
            ),
            item_warnings=per_item,
            units=all_units,
            warnings=tuple(
                lu.lineup_warnings(
                    self.start,
                    self.duration_minutes,
                    self.zone,
                    scheduled,
                    self.has_chair,
                    per_item=per_item,
                    all_units=all_units,
                    twice=self.twice,
                )
            ),
        )


def _replace(state: LineupState, **changes) -> LineupState:
    return LineupState(**{**vars(state), **changes})


class LineupPage:
    """A :class:`LineupState` with the editor's rows rendered, one piece of
    HTML per unit (``unit_starts``: the position each piece starts at)."""

    def __init__(
        self,
        state: LineupState,
        units_html: list[str],
        unit_starts: list[int],
        warnings_html: str,
        warning_items: dict | None = None,
    ):
        self.state = state
        self.units_html = units_html
        self.unit_starts = unit_starts
        self.warnings_html = warnings_html
        # Each warning's list item (not compared: a cache of the above).
        self.warning_items = warning_items or {}
        self.cache_size = sum(map(len, units_html)) + 512 * len(state.items)

    @classmethod
    def render(cls, conference: Conference, state: LineupState) -> LineupPage:
        html, starts = render_units(conference, state.rows, len(state.rows))
        items: dict = {}
        warnings_html = render_warnings(state.warnings, items)
        return cls(state, html, starts, warnings_html, items)

    def reordered(
        self, conference: Conference, state: LineupState
    ) -> tuple[LineupPage, Change]:
        """The page of ``state`` (this page's lineup in another order), and
        what changed: only those units are rendered again."""
        old, new = self.state.rows, state.rows
        n = len(new)
        if len(old) != n:
            page = LineupPage.render(conference, state)
            removed = [old[s].item.id for s in self.unit_starts]
            return page, Change(0, n, removed, None, page)
        lo = 0
        while lo < n and old[lo] is new[lo]:
            lo += 1
        hi = n
        while hi > lo and old[hi - 1] is new[hi - 1]:
            hi -= 1
        # Whole units, in the old order and in the new.
        while lo > 0 and not (old[lo].unit_start and new[lo].unit_start):
            lo -= 1
        while hi < n and not (old[hi].unit_start and new[hi].unit_start):
            hi += 1
        k0 = bisect_left(self.unit_starts, lo)
        k1 = bisect_left(self.unit_starts, hi)
        html, starts = render_units(conference, new[lo:hi], n)
        starts = [lo + s for s in starts]
        items = self.warning_items
        if state.warnings != self.state.warnings:
            items = {w: items[w] for w in state.warnings if w in items}
            warnings_html = render_warnings(state.warnings, items)
        else:
            warnings_html = self.warnings_html
        page = LineupPage(
            state,
            self.units_html[:k0] + html + self.units_html[k1:],
            self.unit_starts[:k0] + starts + self.unit_starts[k1:],
            warnings_html,
            items,
        )
        removed = [old[s].item.id for s in self.unit_starts[k0:k1]]
        after = old[self.unit_starts[k0 - 1]].item.id if k0 else None
        return page, Change(lo, hi, removed, after, page)

    def rows_html(self, version: int, token: str, units: slice = slice(None)) -> Markup:
        """The rows (all, or the pieces ``units``) ready to send."""
        return fill("".join(self.units_html[units]), version, token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineupPage) and (
            self.state,
            self.units_html,
            self.unit_starts,
            self.warnings_html,
        ) == (other.state, other.units_html, other.unit_starts, other.warnings_html)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Change:
    """Rows ``lo`` to ``hi`` (exclusive) of ``page`` replace the units whose
    first items are ``removed``, after the unit of item ``after`` (None: first)."""

    lo: int
    hi: int
    removed: list[int]
    after: int | None
    page: LineupPage
    version: int = 0  # the lineup version the change made

    def rows_html(self, version: int, token: str) -> Markup:
        k0 = bisect_left(self.page.unit_starts, self.lo)
        k1 = bisect_left(self.page.unit_starts, self.hi)
        return self.page.rows_html(version, token, slice(k0, k1))


def fill(html: str, version: int, token: str) -> Markup:
    return Markup(
        html.replace(TOKEN_MARK, str(escape(token))).replace(VERSION_MARK, str(version))
    )


def render_units(
    conference: Conference, rows: Sequence[lu.Row], count: int
) -> tuple[list[str], list[int]]:
    """``rows`` (whole units) rendered in one pass and cut into one piece per
    unit; returns the pieces and the offset in ``rows`` each starts at."""
    if not rows:
        return [], []
    html = render_template(
        "lineup/_rows.html",
        conference=conference,
        rows=rows,
        row_count=count,
        row_token=Markup(TOKEN_MARK),
        row_version=Markup(VERSION_MARK),
    )
    head, *pieces = html.split(UNIT_OPEN)
    assert not head.strip(), "the rows open with a unit's <tbody>"
    # Each piece as it would end anywhere in the table: the whitespace after
    # it belongs to the loop, not to the unit.
    pieces = [UNIT_OPEN + piece.rstrip() + "\n" for piece in pieces]
    starts = [n for n, row in enumerate(rows) if row.unit_start]
    assert len(starts) == len(pieces), "every unit opens one <tbody>"
    return pieces, starts


def render_warnings(
    warnings: Sequence[lu.LineupWarning], kept: dict | None = None
) -> str:
    """The warnings panel. ``kept``: each warning's item, as an earlier
    order's panel had it (a move changes few; a congress has a thousand)."""
    return render_template(
        "lineup/_warnings.html", warnings=warnings, warning_items=WarningItems(kept)
    )


class WarningItems:
    """``warning_items(warnings)`` in ``lineup/_warnings.html``: the list's
    items, each written once and remembered in ``kept``."""

    def __init__(self, kept: dict | None = None):
        self.kept = kept if kept is not None else {}

    def __call__(self, warnings: Sequence[lu.LineupWarning]) -> Markup:
        kept = self.kept
        for w in warnings:
            if w not in kept:
                kept[w] = Markup(
                    '<li class="warning warning-{0}" data-code="{0}">{1}</li>'
                ).format(w.code, w.message)
        return Markup("\n    ".join([kept[w] for w in warnings]))


def page_key(conference: Conference) -> tuple:
    # Captured before a commit expires the row.
    return (conference.id, conference.created_at, conference.content_version)


def lineup_page(conference: Conference) -> LineupPage:
    """This version's page in this request's language: kept, or read and
    rendered (once per worker)."""
    return cached(
        "lineup",
        page_key(conference),
        _language(),
        lambda: LineupPage.render(conference, LineupState.read(conference)),
    )


def keep(key: tuple, page: LineupPage) -> None:
    """Keep ``page`` as the one of content version ``key`` (a change that
    knows it made exactly that version from the page it started from)."""
    compute_cache().put(("lineup", key, _language()), page)


def _language() -> str:
    # The rows' words are in the organiser's language (silkmeet.i18n).
    return str(get_locale())
