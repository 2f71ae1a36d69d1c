"""Destructive actions ask first: one rule for every button that deletes or
invalidates something.

The button (``templates/_macros/confirm.html``) is a GET form on the action's
own address: without JavaScript it opens :func:`confirmation`, a page that
says what will happen, with the POST form that does it (CSRF) and a Cancel
link back. With JavaScript, ``static/js/confirm.js`` asks in the browser's
dialog and posts the same form at once. A view that destroys answers both
methods::

    @bp.route("/…/remove", methods=["GET", "POST"])
    def remove(...):
        ...  # load, 404 and 403 as for the action itself
        if request.method == "GET":
            return confirmation(title=..., what=..., button=..., back=...)
        ...  # the action
"""

from __future__ import annotations

from flask import render_template
from flask import request

# Query values that never travel on into the confirming form.
_NOT_CARRIED = frozenset({"csrf_token"})


def confirmation(title: str, what: str, button: str, back: str) -> str:
    """The confirmation page of the action at this address.

    :param title: the question ("Remove Ana Souza?").
    :param what: what happens once confirmed, and what cannot be undone.
    :param button: the confirming button's label ("Remove").
    :param back: where Cancel goes: the page the button was on.

    The GET's query values (which of a form's actions, the lineup version
    the page showed) go on as hidden fields of the POST.
    """
    fields = [
        (name, value)
        for name, value in request.args.items(multi=True)
        if name not in _NOT_CARRIED
    ]
    return render_template(
        "confirm.html",
        title=title,
        what=what,
        button=button,
        back=back,
        action=request.path,
        fields=fields,
    )
