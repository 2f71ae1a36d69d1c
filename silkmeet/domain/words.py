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
from collections.abc import Hashable

_gettext: Callable[..., str] | None = None
_ngettext: Callable[..., str] | None = None
_language: Callable[[], Hashable] | None = None
# Language → message → its translation, unformatted: an invite says a dozen
# messages, and asking Flask-Babel costs three context look-ups each time.
_said: dict[Hashable, dict[str, str]] = {}


def install(
    gettext: Callable[..., str],
    ngettext: Callable[..., str],
    language: Callable[[], Hashable] | None = None,
) -> None:
    """The translator; ``language()`` names the language it translates into
    now (a cheap look-up), so that each message is translated once per
    language."""
    global _gettext, _ngettext, _language
    _gettext, _ngettext, _language = gettext, ngettext, language
    _said.clear()


def _(message: str, **params) -> str:
    if _gettext is None:
        text = message
    elif _language is None:
        return _gettext(message, **params)
    else:
        said = _said.setdefault(_language(), {})
        text = said.get(message)
        if text is None:
            text = said[message] = _gettext(message)
    return text % params if params else text


def bound() -> Callable[..., str]:
    """:func:`_` for the language of now, looked up once: for code that says
    many messages in a row (an invite's text). Call it ``_`` where it is used,
    so that ``pybabel extract`` finds the messages."""
    if _gettext is None or _language is None:
        return _
    said = _said.setdefault(_language(), {})
    gettext = _gettext

    def say(message: str, **params) -> str:
        text = said.get(message)
        if text is None:
            text = said[message] = gettext(message)
        return text % params if params else text

    return say


def ngettext(singular: str, plural: str, num: int, **params) -> str:
    if _ngettext is not None:
        return _ngettext(singular, plural, num, **params)
    params.setdefault("num", num)
    return (singular if num == 1 else plural) % params


def language() -> str:
    """The language messages are said in now (a Babel locale identifier such
    as ``fr`` or ``zh_Hans``): dates and times are written in it too
    (:mod:`silkmeet.domain.timewords`). English without a translator."""
    found = _language() if _language is not None else None
    return str(found) if found else "en"


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown."""
    return message
