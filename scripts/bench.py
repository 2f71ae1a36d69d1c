"""silkmeet benchmark: synthetic conferences S, M and L, measured against the floor.

    make bench                      # S, M, L on SQLite (a temporary file)
    DATABASE_URL=postgresql://… make bench
    python scripts/bench.py --sizes S,M --repeat 5
    python scripts/bench.py --sizes none       # only the CSV import
    python scripts/bench.py --pg postgresql://postgres@127.0.0.1/silkmeet_bench
                                               # and the JSON import at L there

Prints a table per size and writes every figure to bench-results.json (one flat
object, units in the names). Server times go through Flask's test client, so they
include routing, templates and SQL but no network. The floor is the bare icalendar
library building the same events from plain tuples, in the same run.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402

from silkmeet import create_app  # noqa: E402
from silkmeet.domain import conference_format as fmt  # noqa: E402
from silkmeet.exchange.operations import import_conference  # noqa: E402
from silkmeet.extensions import db  # noqa: E402
from silkmeet.models import ConferenceOrganiser  # noqa: E402
from silkmeet.models import Organiser  # noqa: E402
from silkmeet.models import Participation  # noqa: E402
from silkmeet.synthetic import people_csv  # noqa: E402
from silkmeet.synthetic import synthetic_document  # noqa: E402

SIZES = {"S": (10, 30), "M": (300, 2000), "L": (2000, 10000)}
# The CSV import: rows in the file, people already in the conference.
CSV_ROWS = 2000
CSV_INTO = (0, 10000)


# -- measuring -------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *args, **kwargs):
        self.count += 1


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    # Collect once, not before every run: a collection hands freed arenas back to
    # the system, and the next run would pay page faults no server pays.
    gc.collect()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_extra_mib(fn: Callable[[], object]) -> float:
    """Peak RSS above the level before ``fn``, in MiB (Linux: resets VmHWM)."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return float("nan")
    before = rss_kib()
    fn()
    return (rss_kib("VmHWM") - before) / 1024


def median_ms(times: list[float]) -> float:
    return 1000 * statistics.median(times)


def p95_ms(times: list[float]) -> float:
    ordered = sorted(times)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


# -- the run ---------------------------------------------------------------------


def make_app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "TESTING": False,
        }
    )


def fresh_conference(document: dict):
    """An empty database holding ``document``'s conference, owned by the
    bench's organiser (in the caller's app context); returns the conference."""
    db.drop_all()
    db.create_all()
    conference = import_conference(fmt.parse(document))
    organiser = Organiser(email="bench@example.org", name="Bench")
    organiser.set_password("bench-password")
    db.session.add(organiser)
    db.session.flush()
    db.session.add(
        ConferenceOrganiser(conference=conference, organiser=organiser, access="owner")
    )
    db.session.commit()
    return conference


def setup(app, size: str, items_people: tuple[int, int] | None = None) -> dict:
    items, people = items_people or SIZES[size]
    with app.app_context():
        conference = fresh_conference(
            synthetic_document(f"bench-{size.lower()}", items, people)
        )
        tokens = list(
            db.session.scalars(
                select(Participation.token)
                .where(Participation.conference_id == conference.id)
                .order_by(Participation.id)
            )
        )
        return {"slug": conference.slug, "id": conference.id, "tokens": tokens}


def run_size(url: str, size: str, repeat: int, results: dict) -> list[tuple]:
    from bench_cases import cases

    app = make_app(url)
    info = setup(app, size)
    # As gunicorn.conf.py does in every worker: what is loaded so far is frozen
    # out of the garbage collector's full passes.
    gc.collect()
    gc.freeze()
    with app.app_context():
        counter = QueryCounter(db.engine)
    client = app.test_client()
    client.post(
        "/auth/login", data={"email": "bench@example.org", "password": "bench-password"}
    )
    runs = repeat if size != "L" else max(3, repeat // 2)
    rows = []
    for name, fn, *repeat in cases(app, client, info, size, results, runs):
        fn()  # warm-up (a cached case builds its entry here)
        counter.count = 0
        fn()  # the statement count of one call, as the timed ones make it
        statements = counter.count
        value = median_ms(timed(fn, repeat[0] if repeat else runs, warmup=0))
        results[f"{name}_ms_median_{size}"] = round(value, 3)
        results[f"{name}_sql_{size}"] = statements
        rows.append((name, value, statements))
    # The figures the targets name.
    results[f"agenda_ms_{size}"] = results[f"agenda_page_ms_median_{size}"]
    # (The ratios to the floor are measured by turns in bench_cases.by_turns.)
    results[f"frab_xml_s_{size}"] = round(
        results[f"frab_xml_ms_median_{size}"] / 1000, 3
    )
    results[f"frab_json_s_{size}"] = round(
        results[f"frab_json_ms_median_{size}"] / 1000, 3
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def run_csv_import(url: str, results: dict, runs: int = 3) -> list[tuple]:
    """A CSV import of :data:`CSV_ROWS` people into an empty conference and into
    one of 10,000, through the organiser's preview and confirm: ``runs`` times
    each, by turns (an import writes: each run has a fresh conference), the
    medians with their statements, and the ratio of the two."""
    measured: dict[tuple[int, str], list[float]] = {}
    counts: dict[tuple[int, str], int] = {}
    for _ in range(runs):
        for people in CSV_INTO:
            for step, ms, statements in csv_import_once(url, people):
                measured.setdefault((people, step), []).append(ms)
                counts[people, step] = statements
    rows = []
    for (people, step), times in measured.items():
        ms = statistics.median(times)
        name = f"csv_import_{step}_{CSV_ROWS}_into_{people}"
        results[f"{name}_ms"] = round(ms, 1)
        results[f"{name}_sql"] = counts[people, step]
        rows.append((f"{step}, {people} there", ms, counts[people, step]))
    empty, full = CSV_INTO
    for step in ("preview", "confirm"):
        results[f"csv_import_{step}_ratio_{full}_to_{empty}"] = round(
            statistics.median(measured[full, step])
            / statistics.median(measured[empty, step]),
            2,
        )
    return rows


def run_json_import_on(url: str, size: str, runs: int) -> float:
    """The JSON import of size ``size``'s document on the database at ``url``
    (as the case ``json_import`` times it): median ms."""
    import dataclasses

    from silkmeet.exchange.exports import export_chunks

    app = make_app(url)
    info = setup(app, size)
    with app.app_context():
        from silkmeet.models import Conference

        conference = db.session.get(Conference, info["id"])
        text = "".join(export_chunks(conference))

        def import_():
            doc = fmt.loads(text.replace(f'"{info["slug"]}"', '"imported-pg"', 1))
            import_conference(dataclasses.replace(doc, uid=None))
            db.session.rollback()

        value = median_ms(timed(import_, runs))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return value


def csv_import_once(url: str, people: int) -> list[tuple[str, float, int]]:
    app = make_app(url)
    info = setup(app, f"csv{people}", (0, people))
    with app.app_context():
        counter = QueryCounter(db.engine)
    client = app.test_client()
    client.post(
        "/auth/login", data={"email": "bench@example.org", "password": "bench-password"}
    )
    page_url = f"/organiser/c/{info['slug']}/people/import"
    upload = {"file": (io.BytesIO(people_csv(CSV_ROWS).encode()), "people.csv")}
    measured = []

    def measure(step: str, request):
        counter.count = 0
        t0 = time.perf_counter()
        response = request()
        measured.append((step, (time.perf_counter() - t0) * 1000, counter.count))
        return response

    response = measure(
        "preview",
        lambda: client.post(page_url, data=upload, content_type="multipart/form-data"),
    )
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    fields = {
        name: page.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]
        for name in ("payload", "ticket")
    }
    response = measure(
        "confirm", lambda: client.post(page_url + "/confirm", data=fields)
    )
    assert response.status_code in (302, 303), response.status_code
    with app.app_context():
        imported = db.session.scalar(select(func.count()).select_from(Participation))
        assert imported == people + CSV_ROWS, imported
        db.session.remove()
        db.engine.dispose()
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    parser.add_argument(
        "--pg",
        default=os.environ.get("SILKMEET_BENCH_PG_URL"),
        help="a scratch PostgreSQL database: the JSON import at L is timed "
        "there too, for its ratio (its tables are dropped)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "scripts"))

    if os.environ.get("DATABASE_URL"):
        from silkmeet.config import database_url

        url, where = database_url(os.environ["DATABASE_URL"]), "PostgreSQL"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
        where = "SQLite file"
    print(f"silkmeet benchmark on {where}; medians of {args.repeat} runs after warm-up")
    results: dict[str, float] = {"idle_rss_mib": round(rss_kib() / 1024, 1)}
    for size in [s for s in args.sizes.split(",") if s in SIZES]:
        items, people = SIZES[size]
        print(f"\n== {size}: {items} items, {people} people")
        rows = run_size(url, size, args.repeat, results)
        print(f"{'case':<26} {'median ms':>10} {'SQL':>5}")
        for name, value, statements in rows:
            print(f"{name:<26} {value:>10.2f} {statements:>5}")
        derived = ("floor", "ratio", "p95", "rss", "_s_", "answer", "zone")
        for key in sorted(k for k in results if k.endswith(f"_{size}")):
            if any(word in key for word in derived):
                print(f"  {key:<44} {results[key]:>10}")
    ratios = []
    if "reorder_block_save_ms_median_M" in results:
        for size in ("L",):
            key = f"reorder_block_save_ms_median_{size}"
            if key in results:
                results[f"reorder_block_save_ratio_{size}_to_M"] = round(
                    results[key] / results["reorder_block_save_ms_median_M"], 2
                )
                ratios.append(f"reorder_block_save_ratio_{size}_to_M")
    if args.pg and "json_import_ms_median_L" in results and "sqlite" in url:
        from silkmeet.config import database_url

        pg_ms = run_json_import_on(database_url(args.pg), "L", 3)
        results["json_import_pg_ms_median_L"] = round(pg_ms, 3)
        results["json_import_sqlite_ratio_to_pg_L"] = round(
            results["json_import_ms_median_L"] / pg_ms, 2
        )
        ratios += ["json_import_pg_ms_median_L", "json_import_sqlite_ratio_to_pg_L"]
    if ratios:
        print("\n== across sizes and databases")
        for key in ratios:
            print(f"  {key:<44} {results[key]:>10}")
    print(f"\n== CSV import of {CSV_ROWS} rows (medians of 3, by turns)")
    print(f"{'case':<26} {'ms':>10} {'SQL':>5}")
    for name, value, statements in run_csv_import(url, results):
        print(f"{name:<26} {value:>10.2f} {statements:>5}")
    for key in sorted(
        k for k in results if k.startswith("csv_import_") and "ratio" in k
    ):
        print(f"  {key:<44} {results[key]:>10}")
    results["peak_rss_mib"] = round(rss_kib("VmHWM") / 1024, 1)
    Path(args.out).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
