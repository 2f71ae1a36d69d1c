"""Mail benchmark: the worker's delivery rate into a local SMTP sink, and
invitations for a whole conference from the Invites page.

    make bench                          # after scripts/bench.py
    python scripts/bench_mail.py --messages 2000 --batch 50 --invitees 2000
    DATABASE_URL=postgresql://… python scripts/bench_mail.py

Queues invitation-sized messages (text, HTML, calendar and an .ics attachment)
in one transaction (enqueue alone is timed), then runs one worker
(``deliver(once=True)``, no rate limit) against aiosmtpd's Sink handler in
another process, over one SMTP connection per batch; then the same messages
again through the local transport (no network: the cost of claiming and
recording alone).

Then a synthetic conference of ``--invitees`` people: one POST of the Invites
page queues an invitation for everyone and an event per speaking slot (timed,
its SQL statements counted, peak RSS above the level before it, and its peak
Python allocations under tracemalloc in a second, untimed run), and the worker
renders each message and delivers it into the sink (messages per second, peak
RSS). Prints the figures and adds them to bench-results.json.
Figures only: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The tests' invitation and free port (tests/mailtest.py).
sys.path.insert(0, str(ROOT / "tests"))

from bench import QueryCounter  # noqa: E402
from bench import fresh_conference  # noqa: E402
from bench import peak_extra_mib  # noqa: E402
from bench import rss_kib  # noqa: E402
from mailtest import free_port  # noqa: E402
from mailtest import make_message  # noqa: E402
from sqlalchemy import delete  # noqa: E402
from sqlalchemy import update  # noqa: E402

from silkmeet import create_app  # noqa: E402
from silkmeet.extensions import db  # noqa: E402
from silkmeet.mail.operations import enqueue  # noqa: E402
from silkmeet.mail.operations import status_counts  # noqa: E402
from silkmeet.mail.worker import deliver  # noqa: E402
from silkmeet.models import OutboxMessage  # noqa: E402
from silkmeet.synthetic import synthetic_document  # noqa: E402


def start_sink(port: int) -> subprocess.Popen:
    """aiosmtpd's Sink (accepts and drops every message) in its own process."""
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        + ["-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the aiosmtpd sink did not start")


def requeue_all(app) -> None:
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(status="queued", attempts=0, sent_at=None)
        )
        db.session.commit()


def bench_invitations(url: str, port: int, people: int, batch: int) -> dict:
    """Queue a conference's invitations through the page; render and deliver."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "MAIL_URL": f"smtp://127.0.0.1:{port}?starttls=off",
            "MAIL_FROM": "invitations@bench.example",
            "MAIL_RATE_PER_MINUTE": 0,
        }
    )
    with app.app_context():
        conference = fresh_conference(synthetic_document("bench-invites", 300, people))
        slug = conference.slug
        counter = QueryCounter(db.engine)
    client = app.test_client()
    client.post(
        "/auth/login", data={"email": "bench@example.org", "password": "bench-password"}
    ).close()
    results: dict[str, float] = {}
    elapsed = {}

    def queue():
        counter.count = 0
        t0 = time.perf_counter()
        with client.post(
            f"/organiser/c/{slug}/invites/send", data={"slots": "y"}
        ) as response:
            assert response.status_code in (302, 303), response.status_code
        elapsed["s"] = time.perf_counter() - t0

    results["invitations_queue_peak_above_idle_mib"] = round(peak_extra_mib(queue), 1)
    results["invitations_queue_s"] = round(elapsed["s"], 3)
    results["invitations_queue_sql"] = counter.count
    # The same again under tracemalloc (slower, so untimed): what the request
    # allocates at its peak, which RSS hides when freed memory is reused.
    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
    tracemalloc.start()
    queue()
    results["invitations_queue_python_peak_mib"] = round(
        tracemalloc.get_traced_memory()[1] / 2**20, 1
    )
    tracemalloc.stop()
    with app.app_context():
        queued = status_counts()["queued"]
    results["invitations_queued_messages"] = queued

    def run():
        t0 = time.perf_counter()
        totals = deliver(app, once=True, batch=batch)
        elapsed["s"] = time.perf_counter() - t0
        assert totals.sent == queued, totals

    results["invitations_render_peak_above_idle_mib"] = round(peak_extra_mib(run), 1)
    results["invitations_render_deliver_per_s"] = round(queued / elapsed["s"], 1)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    print(
        f"invitations for {people} people: one POST queued {queued} messages "
        "(invitations and speaking slots); the worker rendered and delivered them"
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--invitees", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args()

    if os.environ.get("DATABASE_URL"):
        from silkmeet.config import database_url

        url, where = database_url(os.environ["DATABASE_URL"]), "PostgreSQL"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench-mail.sqlite'}"
        where = "SQLite file"
    port = free_port()
    sink = start_sink(port)
    try:
        # First, while the process holds little: its peaks above idle mean
        # something (freed memory is reused, not given back).
        invitations = bench_invitations(url, port, args.invitees, args.batch)
    except BaseException:
        sink.terminate()
        sink.wait(10)
        raise
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MAIL_URL": f"smtp://127.0.0.1:{port}?starttls=off",
            "MAIL_FROM": "bounces@bench.example",
            "MAIL_RATE_PER_MINUTE": 0,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        # Composing is the caller's (domain/mail.py); only enqueue is timed:
        # serialising the message to bytes and flushing its row.
        queue_s = 0.0
        for start in range(0, args.messages, 200):
            chunk = [
                make_message(to=f"delegate{n}@bench.example", filler=60)
                for n in range(start, min(start + 200, args.messages))
            ]
            t0 = time.perf_counter()
            for message in chunk:
                enqueue(message, kind="invitation", conference_id=None)
            queue_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        db.session.commit()
        queue_s += time.perf_counter() - t0
        size = db.session.scalar(
            db.select(db.func.avg(db.func.length(OutboxMessage.raw)))
        )

    results: dict[str, float] = {}
    print(
        f"silkmeet mail benchmark on {where}: {args.messages} messages of "
        f"{size / 1024:.1f} KiB on average, batches of {args.batch}"
    )
    results["mail_queue_per_s"] = round(args.messages / queue_s, 1)

    try:
        gc.collect()
        idle = rss_kib() / 1024
        elapsed = {}

        def run():
            t0 = time.perf_counter()
            totals = deliver(app, once=True, batch=args.batch)
            elapsed["s"] = time.perf_counter() - t0
            assert totals.sent == args.messages, totals

        results["mail_smtp_peak_above_idle_mib"] = round(peak_extra_mib(run), 1)
        results["mail_smtp_per_s"] = round(args.messages / elapsed["s"], 1)

        requeue_all(app)
        app.config["MAIL_URL"] = None
        t0 = time.perf_counter()
        deliver(app, once=True, batch=args.batch)
        elapsed_local = time.perf_counter() - t0
        results["mail_local_per_s"] = round(args.messages / elapsed_local, 1)
        with app.app_context():
            assert status_counts()["sent"] == args.messages
            db.session.remove()
            db.engine.dispose()

    finally:
        sink.terminate()
        sink.wait(10)

    results.update(invitations)
    results["mail_idle_rss_mib"] = round(idle, 1)
    for key, value in results.items():
        print(f"  {key:<34} {value:>10}")
    path = Path(args.out)
    merged = json.loads(path.read_text()) if path.exists() else {}
    merged.update(results)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    print(f"added to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
