"""The languages silkmeet speaks, and which one each request is answered in.

Every string a person reads goes through Flask-Babel: ``{{ _("…") }}`` or
``{% trans %}`` in templates, :func:`gettext` / :func:`lazy_gettext` (forms,
module-level constants) / :func:`ngettext` / :func:`pgettext` in Python, all
imported from here. The catalogs are ``silkmeet/translations/<locale>/
LC_MESSAGES/messages.po``; ``make install`` compiles them (``pybabel
compile``), and ``babel.cfg`` tells ``pybabel extract`` where strings are.

Which language a request is answered in (:func:`select_locale`), first match:

1. ``?lang=`` on the URL (the language switcher's links);
2. a language a view chose for this request (:func:`choose_locale`: a
   participant's own page in their preferred language);
3. the signed-in organiser's choice in their account;
4. the browser's ``Accept-Language``;
5. English.

Outside a request (the mail worker, the CLI) render in a participant's
language with ``with force_locale(code):``.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from flask import Flask
from flask import g
from flask import request
from flask_babel import Babel
from flask_babel import force_locale
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_babel import gettext
from flask_babel import lazy_gettext
from flask_babel import ngettext
from flask_babel import pgettext
from flask_babel import refresh

from silkmeet.domain import languages
from silkmeet.domain.languages import DEFAULT_LOCALE

__all__ = [
    "LANGUAGES",
    "DEFAULT_LOCALE",
    "force_locale",
    "format_datetime",
    "get_locale",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "pgettext",
    "refresh",
    "html_lang",
    "supported_locale",
    "select_locale",
]


@dataclass(frozen=True)
class Language:
    code: str  # Babel's identifier, also the catalog's folder name
    complete: bool  # a test holds complete catalogs to no missing entry

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def tag(self) -> str:
        """The BCP 47 tag (``zh-Hans``, ``pt-BR``): ``<html lang>``, ``?lang=``."""
        return self.code.replace("_", "-")

    @property
    def native_name(self) -> str:
        """The language's own name for itself (``français``, ``日本語``)."""
        return languages.native_name(self.code)


LANGUAGES: dict[str, Language] = {
    code: Language(code, complete=code not in languages.PARTIAL)
    for code in languages.SUPPORTED
}

# The one rule (silkmeet/domain/languages.py), for views and templates.
supported_locale = languages.supported_locale


def html_lang(locale: Locale | str | None = None) -> str:
    """``<html lang>`` for a locale: its BCP 47 tag."""
    locale = locale or get_locale() or DEFAULT_LOCALE
    return str(locale).replace("_", "-")


def text_direction(locale: Locale | str | None = None) -> str:
    """``ltr`` or ``rtl``, for ``<html dir>``."""
    locale = locale or get_locale() or DEFAULT_LOCALE
    if isinstance(locale, str):
        locale = Locale.parse(locale)
    return locale.text_direction


def forced_locale() -> str | None:
    """A locale a view chose for this request (a participant's own page)."""
    return g.get("silkmeet_locale")


def choose_locale(code: str | None) -> None:
    """Answer this request in ``code`` (a supported locale), whatever the
    browser asks: a participant's page in their preferred language. ``?lang=``
    still wins, so the page's switcher works."""
    if code in LANGUAGES:
        g.silkmeet_locale = code
        refresh()  # in case something asked for the locale already


def _organisers_choice() -> str | None:
    from flask_login import current_user

    try:
        if current_user and current_user.is_authenticated:
            return getattr(current_user, "language", None)
    except Exception:  # the database is away: the error page still renders
        return None
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector (the order is in the module docstring).

    Outside a request (the mail worker, the CLI, a test building a message in
    an app context) English, unless ``force_locale`` chose another."""
    from flask import has_request_context

    if not has_request_context():
        return DEFAULT_LOCALE
    asked = supported_locale(request.args.get("lang"))
    if asked:
        return asked
    forced = forced_locale()
    if forced:
        return forced
    chosen = supported_locale(_organisers_choice())
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        chosen = supported_locale(tag)
        if chosen:
            return chosen
    return DEFAULT_LOCALE


def language_url(code: str) -> str:
    """This page in another language: its URL with ``?lang=`` set (the
    switcher's links; other query arguments kept)."""
    from flask import url_for

    args = request.args.to_dict(flat=False)
    args["lang"] = [LANGUAGES[code].tag]
    if request.endpoint and request.method in ("GET", "HEAD"):
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except Exception:  # an endpoint that cannot be rebuilt: fall back to the path
            pass
    from urllib.parse import urlencode

    return request.path + "?" + urlencode(args, doseq=True)


def in_reader_language(text: str, translations: dict | None) -> str:
    """A title or description the organisers typed, in this request's language
    where they gave it (:func:`silkmeet.domain.languages.localised`)."""
    return languages.localised(text, translations, get_locale())


def select_timezone() -> str:
    return "UTC"


babel = Babel()


def _translate_outside_a_request(function):
    """Flask-Babel's gettext outside any app context (a script, a pure test
    that imports the app) gives the English text back."""
    from flask import has_app_context

    def translate(*args, **params):
        if has_app_context():
            return function(*args, **params)
        text = args[-2] if function is ngettext and args[-1] != 1 else args[0]
        if function is ngettext:
            params.setdefault("num", args[-1])
        return text % params if params else text

    return translate


def _language_now():
    """The language messages are translated into now (``force_locale``'s
    included); None outside an application, where they stay English."""
    from flask import has_app_context

    return get_locale() if has_app_context() else None


def init_app(app: Flask) -> None:
    from silkmeet.domain import words

    words.install(
        _translate_outside_a_request(gettext),
        _translate_outside_a_request(ngettext),
        _language_now,
    )
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_locale=DEFAULT_LOCALE,
    )

    @app.context_processor
    def languages():
        return {
            "LANGUAGES": LANGUAGES,
            "html_lang": html_lang,
            "text_direction": text_direction,
            "language_url": language_url,
            "in_reader_language": in_reader_language,
        }

    @app.after_request
    def vary_on_language(response):
        if request.endpoint != "static" and response.mimetype == "text/html":
            response.vary.add("Accept-Language")
        return response
