"""Peak memory of one request in a fresh process (run by scripts/bench.py).

    python scripts/bench_peak.py DATABASE_URL PATH [PATH…]   (export:SLUG = JSON export)

Prints one JSON object: the idle RSS (app built, logged in, a trivial request
served) and, per path, the peak RSS while serving it, in MiB. Linux only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def export(app, slug: str) -> str:
    """What `flask --app silkmeet export SLUG` does."""
    from silkmeet.domain import conference_format as fmt
    from silkmeet.exchange.operations import export_conference
    from silkmeet.timetable import load_conference

    with app.app_context():
        return fmt.dumps(export_conference(load_conference(slug)))


def main() -> int:
    from silkmeet import create_app

    url, paths = sys.argv[1], sys.argv[2:]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post(
        "/auth/login",
        data={"email": "bench@example.org", "password": "bench-password"},
    )
    client.get("/healthz").close()
    idle = status_kib("VmRSS")
    result = {"idle_mib": round(idle / 1024, 1)}
    for path in paths:
        Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
        if path.startswith("export:"):
            export(app, path.split(":", 1)[1])
        else:
            with client.get(path) as response:
                assert response.status_code == 200, (path, response.status_code)
                response.get_data()
        result[path] = round((status_kib("VmHWM") - idle) / 1024, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
