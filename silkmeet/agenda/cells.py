"""The agenda table's time cells, written in Python.

A 300-item agenda with 16 zone columns has about 5,000 cells; a Jinja macro
call per cell cost more than all the time-zone work, so they are written here.
A night mark says which day window it means: the conference's.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from markupsafe import escape

from silkmeet.domain import hours
from silkmeet.domain import timewords as tw
from silkmeet.domain import zoneview as zv
from silkmeet.i18n import gettext as _


def night_mark(day: hours.Window) -> str:
    """The moon after a time outside the conference's day window ``day``, in
    the reader's language."""
    title = escape(_("outside %(hours)s local time", hours=day.label))
    night = escape(_("night"))
    return (
        f' <span class="night-mark" title="{title}">'
        f'&#9790;<span class="visually-hidden"> {night}</span></span>'
    )


def when(s: zv.Span, mark: str) -> str:
    """A span's times, day shifts and night ``mark`` (:func:`night_mark`,
    built once per table)."""
    start, end = s.start, s.end
    if (start.offset_minutes, start.abbreviation) == (
        end.offset_minutes,
        end.abbreviation,
    ):
        # The column names the zone; the day shifts below name the dates.
        times = f"{start.time_label}&ndash;{end.time_label}"
    else:
        # The clocks change inside: each end says its own offset.
        times = escape(
            tw.range_words(
                start.instant,
                end.instant,
                start.zone,
                date_style="none",
                zone_style="auto",
            )
        )
    html = f'<span class="when">\n    <span class="range">{times}</span>'
    marker = start.day_marker
    if marker:
        html += (
            f' <span class="day-shift" title="{escape(start.date_label)}">'
            f"{escape(marker)}</span>"
        )
    if end.day_shift != start.day_shift:
        title = escape(_("ends %(date)s", date=end.date_label))
        ends = (
            _("ends %(day)s", day=end.day_marker)
            if end.day_marker
            else _("ends on the conference date")
        )
        html += f' <span class="day-shift" title="{title}">{escape(ends)}</span>'
    if s.outside:
        html += mark
    return html + "\n  </span>"


def cell(s: zv.Span, css: str, label: str, mark: str) -> str:
    night = " is-night" if s.outside else ""
    return f'<td class="t{css}{night}" data-label="{label}">{when(s, mark)}</td>'


def time_cells(
    rows: Sequence[zv.AgendaRow],
    columns: Sequence[zv.ZoneColumn],
    reference_zone: str,
    viewer_zone: str,
    day: hours.Window,
    viewer_title: str | None = None,
) -> list[Markup]:
    """Per row, its time cells: reference zone, viewer's zone (when it differs),
    then one per column; a night mark where a span leaves the day window."""
    mark = night_mark(day)
    show_viewer = viewer_zone != reference_zone
    reference_label = escape(zv.city(reference_zone))
    viewer_label = escape(viewer_title or _("Your zone"))
    labels = [escape(c.label) for c in columns]
    out = []
    for row in rows:
        parts = [cell(row.reference, " col-ref", reference_label, mark)]
        if show_viewer:
            parts.append(cell(row.viewer, " col-viewer", viewer_label, mark))
        parts.extend(
            cell(s, "", label, mark)
            for s, label in zip(row.columns, labels, strict=True)
        )
        out.append(Markup("\n            ".join(parts)))
    return out
