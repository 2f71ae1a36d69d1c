"""Words the domain says to people, in the reader's language.

Domain modules stay free of Flask, yet their messages (a field's error, a
night warning, an invite's text) are read by people in many languages. They
mark them with :func:`_` / :func:`ngettext` from here, with named
placeholders (``_("%(name)s speaks at night", name=…)``), and ``pybabel
extract`` finds them like any other string. The application installs the
real translator (:mod:`silkmeet.i18n`, Flask-Babel: the request's language, or
the one ``force_locale`` sets for a participant's e-mail); without one (pure
domain tests, scripts) the English text comes back, formatted.

A message is translated when it is built: anything that keeps built text (a
cache) must key it by the language too. Module-level constants are marked with
:func:`N_` (extracted, not translated) and translated where they are shown.
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[..., str] | None = None
_ngettext: Callable[..., str] | None = None


def install(gettext: Callable[..., str], ngettext: Callable[..., str]) -> None:
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str, **params) -> str:
    if _gettext is not None:
        return _gettext(message, **params)
    return message % params if params else message


def ngettext(singular: str, plural: str, num: int, **params) -> str:
    if _ngettext is not None:
        return _ngettext(singular, plural, num, **params)
    params.setdefault("num", num)
    return (singular if num == 1 else plural) % params


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown."""
    return message
