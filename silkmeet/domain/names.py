"""How a person's name is shown to others: as they wrote it, with a Latin-script
form beside it for readers who cannot read the first.

One rule for every page, message and file: :func:`latin_shown` decides when the
Latin form is added, :func:`display_name` writes the plain-text form, and the
``person_name`` template global (``silkmeet.web``) the HTML one.
"""

from __future__ import annotations

import unicodedata


def _letters_scripts(text: str) -> set[str]:
    # The first word of a letter's Unicode name is its script ("LATIN SMALL
    # LETTER E WITH ACUTE", "CYRILLIC CAPITAL LETTER SHA", "CJK UNIFIED …").
    return {
        unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0] for ch in text if ch.isalpha()
    }


def is_latin_script(text: str) -> bool:
    """Every letter of ``text`` is Latin (accents included): "Hélène Dromain"
    is, "山田 太郎" and "Шавкат" are not."""
    return _letters_scripts(text) <= {"LATIN"}


def latin_shown(full_name: str, latin_name: str | None) -> str:
    """The Latin form to show beside ``full_name``, or "": only when the name is
    written in another script; an accent-stripped copy of a Latin name
    ("Helene" for "Hélène") tells nobody anything."""
    latin = (latin_name or "").strip()
    if not latin or latin == full_name or is_latin_script(full_name):
        return ""
    return latin


def display_name(full_name: str, latin_name: str | None) -> str:
    """The plain-text form: ``张国强 (Zhang Guoqiang)``, ``Hélène Dromain``."""
    latin = latin_shown(full_name, latin_name)
    return f"{full_name} ({latin})" if latin else full_name
