"""HTTP load against gunicorn (2 workers) serving a synthetic conference.

    python scripts/http_load.py bench   # make bench-http: URLs by turns, ratios
    python scripts/http_load.py soak    # make load: 60 s mixed traffic, memory

The database is PostgreSQL when DATABASE_URL names one (or a scratch database on
127.0.0.1:5432 for `soak`), else an SQLite file in a temporary folder. Traffic goes
to 127.0.0.1 only; every loop is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str, items: int, people: int) -> tuple[str, list[str], str]:
    """Create the schema and a synthetic conference whose meeting is running
    (its first item started now); return its slug, tokens and stage key."""
    from sqlalchemy import select

    from silkmeet import create_app
    from silkmeet.domain import conference_format as fmt
    from silkmeet.exchange.operations import import_conference
    from silkmeet.extensions import db
    from silkmeet.models import Participation
    from silkmeet.runofshow import operations as ros_ops
    from silkmeet.synthetic import synthetic_document

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        doc = fmt.parse(synthetic_document("congress", items, people))
        conference = import_conference(doc)
        db.session.commit()
        ros_ops.start(conference, None)
        stage_key = ros_ops.issue_stage_link(conference)
        db.session.commit()
        tokens = list(
            db.session.scalars(
                select(Participation.token).where(
                    Participation.conference_id == conference.id
                )
            )
        )
        db.session.remove()
        db.engine.dispose()
    return "congress", tokens, stage_key


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_pids(master: int) -> list[int]:
    try:
        out = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        return []
    return [int(p) for p in out.split()]


class Server:
    def __init__(self, url: str, workers: int = 2):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SILKMEET_SECRET_KEY="load-test")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = get(self.port, "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start within 30 s")

    def worker_rss_mib(self) -> list[float]:
        return [round(rss_kib(p) / 1024, 1) for p in worker_pids(self.proc.pid)]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, int]:
    status, body, _etag = fetch(port, path, headers)
    return status, len(body)


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, str]:
    """(status, body, ETag) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, body, response.getheader("ETag") or ""
    finally:
        conn.close()


# A request: a path, or a path and its headers (a conditional GET, whose 304
# is a success like a 200).
Request = str | tuple[str, dict]


def drive(
    port: int, paths: list[Request], seconds: float, concurrency: int = 4
) -> dict:
    """Request random paths from ``concurrency`` threads for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        local, bad = [], 0
        while time.monotonic() < stop_at:
            path = rng.choice(paths)
            path, headers = (path, None) if isinstance(path, str) else path
            t0 = time.perf_counter()
            try:
                status, _ = get(port, path, headers)
                if status not in (200, 304):
                    bad += 1
            except OSError:
                bad += 1
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    count = len(latencies)
    return {
        "requests": count,
        "rps": count / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p99_ms": 1000 * latencies[min(count - 1, int(count * 0.99))] if count else 0.0,
        "errors": errors,
        "latencies": latencies,
        "elapsed": elapsed,
    }


def combine(runs: list[dict]) -> dict:
    """Slices of one URL's load as one: requests over the time they took."""
    latencies = sorted(t for r in runs for t in r["latencies"])
    count = len(latencies)
    elapsed = sum(r["elapsed"] for r in runs)
    return {
        "requests": count,
        "rps": count / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p99_ms": 1000 * latencies[min(count - 1, int(count * 0.99))] if count else 0.0,
        "errors": sum(r["errors"] for r in runs),
        "latencies": latencies,
        "elapsed": elapsed,
    }


def database_url(scratch: str, require_pg: bool) -> tuple[str, str]:
    """(url, description): DATABASE_URL, else a PostgreSQL scratch db, else SQLite."""
    if os.environ.get("DATABASE_URL"):
        from silkmeet.config import database_url as normalise

        return normalise(os.environ["DATABASE_URL"]), "DATABASE_URL"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "pg_scratch.py"),
            "postgresql://postgres@127.0.0.1:5432/postgres",
            scratch,
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode == 0:
        return out.stdout.strip(), "PostgreSQL scratch database"
    if require_pg:
        raise SystemExit(f"PostgreSQL is needed: {out.stderr.strip()}")
    path = Path(tempfile.mkdtemp()) / "load.sqlite"
    return f"sqlite:///{path}", "SQLite file"


def row(name: str, r: dict, extra: str = "") -> str:
    return (
        f"{name:<22} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
        f"{r['errors']:>6} {r['requests']:>8}  {extra}"
    )


HEADER = (
    f"{'url':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'count':>8}"
)


def bench(args) -> int:
    url, where = database_url("silkmeet_bench_http", require_pg=False)
    print(f"database: {where}; conference M ({args.items} items, {args.people} people)")
    slug, tokens, stage_key = prepare_database(url, args.items, args.people)
    server = Server(url)
    try:
        # What every stage screen and speaker's page polls during the meeting:
        # a state kept per version (200), and the same state asked again (304).
        live_state = f"/c/{slug}/stage/{stage_key}/state"
        _status, _body, etag = fetch(server.port, live_state)
        phases = {
            "trivial (/healthz)": ["/healthz"],
            "invite (.ics)": [f"/c/{slug}/invites/{t}.ics" for t in tokens],
            "agenda page": [f"/c/{slug}/agenda"],
            "live state (200)": [live_state],
            "live state (304)": [(live_state, {"If-None-Match": etag})],
        }
        for paths in phases.values():  # warm-up
            drive(server.port, paths, 1.0)
        print(HEADER)
        # The URLs take turns, a slice each, so that a machine whose speed
        # drifts (a shared VM does) slows them alike and the ratios stay fair.
        slices = 5
        parts: dict[str, list[dict]] = {name: [] for name in phases}
        for _ in range(slices):
            for name, paths in phases.items():
                parts[name].append(drive(server.port, paths, args.seconds / slices))
        results = {name: combine(runs) for name, runs in parts.items()}
        base = results["trivial (/healthz)"]["rps"] or 1.0
        for name, r in results.items():
            print(row(name, r, f"{r['rps'] / base:.0%} of trivial"))
        print(f"worker RSS MiB: {server.worker_rss_mib()}")
    finally:
        server.stop()
    return 0


def soak(args) -> int:
    url, where = database_url("silkmeet_load", require_pg=True)
    print(f"database: {where}; {args.items} items, {args.people} people")
    slug, tokens, _stage_key = prepare_database(url, args.items, args.people)
    server = Server(url)
    try:
        paths = [f"/c/{slug}/agenda"]
        paths += [f"/c/{slug}/me/{t}" for t in tokens[:500]]
        paths += [f"/c/{slug}/invites/{t}.ics" for t in tokens[:500]]
        drive(server.port, paths, 2.0)
        start_rss = server.worker_rss_mib()
        result = drive(server.port, paths, args.seconds, concurrency=args.concurrency)
        end_rss = server.worker_rss_mib()
        print(HEADER)
        print(row("mixed", result))
        print(f"worker RSS MiB at start {start_rss}, at end {end_rss}")
        return 1 if result["errors"] else 0
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["bench", "soak"])
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 10.0 if args.mode == "bench" else 60.0
    return bench(args) if args.mode == "bench" else soak(args)


if __name__ == "__main__":
    sys.exit(main())
