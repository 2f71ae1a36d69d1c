"""How mail leaves: SMTP with STARTTLS, SMTP over TLS, or not at all (local).

``SILKMEET_MAIL_URL`` picks the transport:

- ``smtp://user:password@host:587``: STARTTLS whenever the server offers it (and
  required when there is a password: it never goes out in clear). Query
  ``?starttls=required`` refuses a server without it, ``?starttls=off`` never
  starts it (a relay on the same host).
- ``smtps://user:password@host:465``: TLS from the first byte.
- ``?cafile=/path/ca.pem`` trusts that CA instead of the system's.
- unset: the local transport, which sends nothing; the outbox is the mailbox.

User and password are percent-decoded (``%40`` for ``@``). Every socket
operation gives up after ``SILKMEET_MAIL_TIMEOUT_SECONDS``.

Failures are :class:`DeliveryError`: ``permanent`` for a 5xx reply, temporary
for a 4xx reply, a refused or lost connection, a timeout or a TLS error.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl
from urllib.parse import unquote
from urllib.parse import urlsplit

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
STARTTLS_CHOICES = ("auto", "required", "off")


class DeliveryError(Exception):
    """A message was not accepted; ``reply`` is the server's text or the error."""

    def __init__(self, reply: str, *, permanent: bool = False):
        super().__init__(reply)
        self.reply = reply
        self.permanent = permanent


class Unreachable(DeliveryError):
    """No session with the server (connection, TLS or login failed): the
    messages are not at fault, they wait for a later attempt."""


@dataclass(frozen=True)
class SMTPSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: str = "auto"
    cafile: str | None = None
    timeout: float = 30.0

    def redacted(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"


def parse_mail_url(url: str, timeout: float = 30.0) -> SMTPSettings:
    """The settings in a ``SILKMEET_MAIL_URL``; ValueError names what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"SILKMEET_MAIL_URL: use smtp:// or smtps://, not {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError("SILKMEET_MAIL_URL: the port is not a number") from None
    if not parts.hostname:
        raise ValueError("SILKMEET_MAIL_URL: no host")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(options) - {"starttls", "cafile"}
    if unknown:
        raise ValueError(f"SILKMEET_MAIL_URL: unknown option {sorted(unknown)[0]!r}")
    starttls = options.get("starttls", "auto")
    if starttls not in STARTTLS_CHOICES:
        raise ValueError(
            f"SILKMEET_MAIL_URL: starttls is one of {', '.join(STARTTLS_CHOICES)}"
        )
    if scheme == "smtps" and "starttls" in options:
        raise ValueError("SILKMEET_MAIL_URL: smtps:// is TLS already, no starttls")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and starttls == "off":
        raise ValueError(
            "SILKMEET_MAIL_URL: starttls=off would send the password in clear"
        )
    return SMTPSettings(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        username=username,
        password=password,
        starttls=starttls,
        cafile=options.get("cafile") or None,
        timeout=float(timeout),
    )


@cache
def local_hostname() -> str:
    # smtplib would ask for it at every connection; a slow resolver makes that
    # a delay per batch.
    return socket.getfqdn()


def classify(exc: Exception) -> DeliveryError:
    """A DeliveryError for what smtplib or the socket raised."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = [
            (code, f"{address}: {code} {_text(text)}")
            for address, (code, text) in exc.recipients.items()
        ]
        permanent = all(500 <= code < 600 for code, _ in replies)
        return DeliveryError("; ".join(r for _, r in replies), permanent=permanent)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return DeliveryError(
            f"{code} {_text(exc.smtp_error)}", permanent=500 <= code < 600
        )
    if isinstance(exc, TimeoutError):
        return DeliveryError("timed out waiting for the server")
    # Disconnects, refused connections, TLS errors: all OSError (smtplib's too).
    return DeliveryError(f"{type(exc).__name__}: {exc}".rstrip(": "))


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())


class LocalTransport:
    """Sends nothing: a message is "delivered" by being kept in the outbox."""

    name = "local"
    rate_limited = False

    def session(self) -> LocalSession:
        return LocalSession()

    def describe(self) -> str:
        return "local (no SILKMEET_MAIL_URL: mail is kept in the outbox, not sent)"


class LocalSession:
    def __enter__(self) -> LocalSession:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def send(self, sender: str, recipients: list[str], raw: bytes) -> dict:
        return {}


class SMTPTransport:
    def __init__(self, settings: SMTPSettings, ssl_context=None):
        self.settings = settings
        self.name = settings.scheme
        self.rate_limited = True
        self._context = ssl_context

    def describe(self) -> str:
        return self.settings.redacted()

    def ssl_context(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context(cafile=self.settings.cafile)
        return self._context

    def session(self) -> SMTPSession:
        return SMTPSession(self)


class SMTPSession:
    """One connection for many messages, opened at the first message and again
    after the server dropped it; closed (QUIT) when the session ends."""

    def __init__(self, transport: SMTPTransport):
        self.transport = transport
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.transport.settings
        context = self.transport.ssl_context()
        try:
            if s.scheme == "smtps":
                client = smtplib.SMTP_SSL(
                    s.host,
                    s.port,
                    local_hostname=local_hostname(),
                    timeout=s.timeout,
                    context=context,
                )
            else:
                client = smtplib.SMTP(
                    s.host, s.port, local_hostname=local_hostname(), timeout=s.timeout
                )
        except (smtplib.SMTPException, OSError) as exc:
            raise Unreachable(classify(exc).reply) from exc
        try:
            client.ehlo()
            if s.scheme == "smtp" and s.starttls != "off":
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif s.starttls == "required" or s.username:
                    raise Unreachable(
                        f"{s.host} offers no STARTTLS: the password is not sent "
                        "in clear"
                        if s.username
                        else f"{s.host} offers no STARTTLS (starttls=required)"
                    )
            if s.username:
                client.login(s.username, s.password or "")
        except Exception as exc:
            client.close()
            if isinstance(exc, Unreachable):
                raise
            if isinstance(exc, smtplib.SMTPException | OSError):
                raise Unreachable(classify(exc).reply) from exc
            raise
        return client

    def send(self, sender: str, recipients: list[str], raw: bytes) -> dict:
        """Send one message; returns the recipients refused while others were
        accepted (``{address: (code, text)}``), raises DeliveryError otherwise."""
        if self.client is None:
            self.client = self._connect()
        client = self.client
        options = []
        if not raw.isascii():
            if not client.has_extn("8bitmime"):
                raise DeliveryError(
                    "the server does not announce 8BITMIME and the message has "
                    "8-bit content",
                    permanent=True,
                )
            options.append("BODY=8BITMIME")
        try:
            return client.sendmail(sender, recipients, raw, mail_options=options)
        except UnicodeEncodeError as exc:
            # An address smtplib cannot write without SMTPUTF8 (enqueue refuses
            # them; a row written otherwise must not stop the worker). The
            # server may be inside a transaction now: start afresh.
            self._drop(client)
            raise DeliveryError(f"not an ASCII address: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            replied = isinstance(
                exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
            )
            if not replied or client.sock is None:
                # Lost, timed out, or closed by smtplib after a 421: the next
                # message reconnects. After any other reply smtplib has reset
                # the transaction and the connection serves the next message.
                self._drop(client)
            raise classify(exc) from exc

    def _drop(self, client: smtplib.SMTP) -> None:
        self.client = None
        client.close()


def transport_from_config(config) -> LocalTransport | SMTPTransport:
    """The transport ``SILKMEET_MAIL_URL`` names (ValueError when it is wrong)."""
    url = config.get("MAIL_URL")
    if not url:
        return LocalTransport()
    settings = parse_mail_url(str(url), timeout=config["MAIL_TIMEOUT_SECONDS"])
    return SMTPTransport(settings)
